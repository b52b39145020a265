#include "rainflow.h"

#include <cmath>

namespace Laces::Core::Ageing {

void RainflowCounter::add(double value, qint64 timeMs)
{
    ++m_samples;
    ++m_historySamples;
    if (!m_started) {
        m_started = true;
        m_last = {value, timeMs};
        m_direction = 0;
        reversal(m_last);  // the first point counts as a reversal
        return;
    }
    if (m_direction == 0) {
        if (value == m_last.value)
            return;
        m_direction = value > m_last.value ? 1 : -1;
        m_candidate = {value, timeMs};
        return;
    }
    if (value == m_candidate.value)
        return;  // flat: the extreme keeps the time it was first reached
    const int direction = value > m_candidate.value ? 1 : -1;
    if (direction == m_direction) {
        m_candidate = {value, timeMs};
        return;
    }
    reversal(m_candidate);
    m_last = m_candidate;
    m_direction = direction;
    m_candidate = {value, timeMs};
}

void RainflowCounter::reversal(const Point &point)
{
    ++m_reversals;
    m_stack.push_back(point);
    // ASTM E1049 §5.4.4: X is the newest range, Y the one before it; while X ≥ Y, Y is a
    // cycle (a half cycle, dropping the starting point, when Y contains it).
    while (m_stack.size() >= 3) {
        const size_t n = m_stack.size();
        const double x = std::abs(m_stack[n - 1].value - m_stack[n - 2].value);
        const double y = std::abs(m_stack[n - 2].value - m_stack[n - 3].value);
        if (x < y)
            break;
        const Point &a = m_stack[n - 3];
        const Point &b = m_stack[n - 2];
        if (n == 3) {
            m_cycles.push_back({y, (a.value + b.value) / 2, 0.5, b.timeMs});
            m_stack.erase(m_stack.begin());
        } else {
            m_cycles.push_back({y, (a.value + b.value) / 2, 1.0, m_stack[n - 1].timeMs});
            m_stack.erase(m_stack.end() - 3, m_stack.end() - 1);
        }
    }
}

void RainflowCounter::finish()
{
    // The last point counts as a reversal, in histories of three samples or more: the
    // reference implementation (iamlikeme/rainflow) counts nothing in [1, 2], and so do we.
    if (m_started && m_direction != 0 && m_historySamples >= 3)
        reversal(m_candidate);
    for (size_t i = 0; i + 1 < m_stack.size(); ++i) {
        const Point &a = m_stack[i];
        const Point &b = m_stack[i + 1];
        m_cycles.push_back({std::abs(b.value - a.value), (a.value + b.value) / 2, 0.5, b.timeMs});
    }
    m_stack.clear();
    m_historySamples = 0;
    m_started = false;
    m_direction = 0;
}

std::vector<RainflowCycle> RainflowCounter::takeCycles()
{
    std::vector<RainflowCycle> taken;
    taken.swap(m_cycles);
    return taken;
}

std::vector<RainflowCycle> rainflow(const std::vector<double> &values)
{
    RainflowCounter counter;
    for (const double value : values)
        counter.add(value);
    counter.finish();
    return counter.takeCycles();
}

qint64 countReversals(const double *values, qint64 count)
{
    if (count <= 0)
        return 0;
    qint64 reversals = 1;
    double last = values[0];
    int direction = 0;
    for (qint64 i = 1; i < count; ++i) {
        const double value = values[i];
        if (value == last)
            continue;
        const int now = value > last ? 1 : -1;
        if (direction != 0 && now != direction)
            ++reversals;
        direction = now;
        last = value;
    }
    return direction != 0 ? reversals + 1 : reversals;
}

} // namespace Laces::Core::Ageing
