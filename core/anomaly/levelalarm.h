#pragma once

#include "result.h"

#include <Eigen/Core>

#include <QList>
#include <QtGlobal>

#include <vector>

namespace Laces::Core::Anomaly {

struct LevelAlarmOptions
{
    int meanRows = 12; // causal mean over this many samples (1 h at NAB's 5 min)
    double limitZ = 2.5; // |robust z| above this is the alarm condition (> 0)
    int holdRows = 48; // the condition must hold this many consecutive samples to trigger
    double dedupS = 24 * 3600.0; // a trigger this close to a ticket's last update updates it
};

struct AlarmTicket
{
    qint64 openedRow = 0; // index of the sample that opened it
    double openedS = 0; // its time
    qint64 lastRow = 0;
    double lastUpdateS = 0; // the latest trigger's time
    int triggers = 0;
};

// A level alarm with ticket deduplication (the NAB machine-temperature recipe of
// tests/bench/eval_maintenance.cpp): f = causal mean of the last meanRows values; robust
// z = (f − median)/(1.4826·MAD) against the training period; every sample after the
// condition |z| > limitZ has held holdRows samples in a row is a trigger (not before sample
// meanRows); a trigger within dedupS of the last ticket's last update updates that ticket
// (as a PagerDuty dedup key or a ThingsBoard alarm would), otherwise it opens a new one.
class LevelAlarm
{
public:
    // `train`: the raw values of the training period, oldest first; the median and MAD are
    // taken over its means at rows [meanRows, n). Refused (Error::invalid) for bad options,
    // non-finite values, too few rows, or a MAD of 0.
    static Core::Result<LevelAlarm> fit(const Eigen::VectorXd &train,
        const LevelAlarmOptions &options = {});

    struct Step
    {
        double mean = 0;
        double z = 0;
        bool condition = false;
        bool trigger = false;
        int ticket = -1; // index into tickets() when triggered
        bool opened = false; // the trigger opened that ticket
    };
    // The next sample (time in seconds, any epoch; times need not be monotonic).
    Step push(double timeS, double value);
    void reset(); // forget the window, the hold count and the tickets

    const QList<AlarmTicket> &tickets() const { return m_tickets; }
    double median() const { return m_median; }
    double scale() const { return m_scale; } // 1.4826·MAD, > 0
    const LevelAlarmOptions &options() const { return m_options; }

private:
    LevelAlarm() = default;

    LevelAlarmOptions m_options;
    double m_median = 0;
    double m_scale = 1;
    std::vector<double> m_window;
    qint64 m_pushed = 0;
    qint64 m_held = 0;
    QList<AlarmTicket> m_tickets;
};

} // namespace Laces::Core::Anomaly
