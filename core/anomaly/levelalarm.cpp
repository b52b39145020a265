#include "anomaly/levelalarm.h"

#include "anomaly/detector.h"

#include <algorithm>
#include <cmath>

namespace Laces::Core::Anomaly {

Core::Result<LevelAlarm> LevelAlarm::fit(const Eigen::VectorXd &train,
    const LevelAlarmOptions &options)
{
    if (options.meanRows < 1 || options.holdRows < 1 || !(options.limitZ > 0)
        || !(options.dedupS >= 0) || !std::isfinite(options.limitZ) || !std::isfinite(options.dedupS))
        return Error::invalid(QStringLiteral("meanRows and holdRows ≥ 1, limitZ > 0, dedupS ≥ 0"),
            QStringLiteral("options"));
    if (!train.allFinite())
        return Error::invalid(QStringLiteral("train has a non-finite value"), QStringLiteral("train"));
    if (train.size() < options.meanRows + 2)
        return Error::invalid(QStringLiteral("train needs at least %1 rows, got %2")
                                  .arg(options.meanRows + 2)
                                  .arg(train.size()),
            QStringLiteral("train"));
    const Eigen::VectorXd mean = causalRollingMean(train, options.meanRows);
    std::vector<double> settled(mean.data() + options.meanRows, mean.data() + mean.size());
    const double median = linearQuantile(settled, 0.5);
    for (double &value : settled)
        value = std::abs(value - median);
    const double scale = 1.4826 * linearQuantile(settled, 0.5);
    if (!(scale > 0))
        return Error::invalid(QStringLiteral("the training means do not vary (MAD 0)"),
            QStringLiteral("train"));
    LevelAlarm alarm;
    alarm.m_options = options;
    alarm.m_median = median;
    alarm.m_scale = scale;
    alarm.m_window.assign(size_t(options.meanRows), 0.0);
    return alarm;
}

LevelAlarm::Step LevelAlarm::push(double timeS, double value)
{
    const qint64 window = qint64(m_window.size());
    const qint64 row = m_pushed;
    m_window[size_t(row % window)] = value;
    ++m_pushed;
    const qint64 count = std::min(m_pushed, window);
    double sum = 0; // oldest first, as causalRollingMean()
    for (qint64 i = m_pushed - count; i < m_pushed; ++i)
        sum += m_window[size_t(i % window)];
    Step step;
    step.mean = sum / double(count);
    step.z = (step.mean - m_median) / m_scale;
    step.condition = std::abs(step.z) > m_options.limitZ;
    m_held = step.condition ? m_held + 1 : 0;
    step.trigger = m_held >= m_options.holdRows && row >= m_options.meanRows;
    if (!step.trigger)
        return step;
    if (!m_tickets.isEmpty() && timeS - m_tickets.last().lastUpdateS <= m_options.dedupS) {
        AlarmTicket &ticket = m_tickets.last();
        ticket.lastRow = row;
        ticket.lastUpdateS = timeS;
        ++ticket.triggers;
    } else {
        m_tickets.append({ row, timeS, row, timeS, 1 });
        step.opened = true;
    }
    step.ticket = int(m_tickets.size() - 1);
    return step;
}

void LevelAlarm::reset()
{
    std::fill(m_window.begin(), m_window.end(), 0.0);
    m_pushed = 0;
    m_held = 0;
    m_tickets.clear();
}

} // namespace Laces::Core::Anomaly
