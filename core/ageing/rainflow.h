#pragma once

#include <QtGlobal>

#include <vector>

namespace Laces::Core::Ageing {

// One counted cycle: its range (peak − valley, never the amplitude), mean, count (1 or a
// half) and the time it is booked at: the point that closed a full cycle, the later point
// of a half cycle.
struct RainflowCycle
{
    double range = 0;
    double mean = 0;
    double count = 0;
    qint64 timeMs = 0;
};

// ASTM E1049-85 §5.4.4 rainflow counting (three-point method, half cycles), streaming:
// feed the signal in order, in as many chunks as you like, take the cycles found so far
// whenever convenient, and finish() at the end. Memory is the residue of points not yet
// closed (it grows only with a signal whose swings keep widening), not the history.
// Flat stretches and points that continue a slope are not reversals; the first and the
// last point are (the standard's table needs both), the last one in histories of three
// samples or more, as the reference implementation counts.
class RainflowCounter
{
public:
    void add(double value, qint64 timeMs = 0);
    // The history ends: the last point becomes a reversal and each range left in the
    // residue counts as half a cycle. Further add()s start a new history.
    void finish();
    // The cycles counted since the last call, in the order found.
    std::vector<RainflowCycle> takeCycles();
    const std::vector<RainflowCycle> &cycles() const { return m_cycles; }

    qint64 samples() const { return m_samples; }
    qint64 reversals() const { return m_reversals; }

private:
    struct Point
    {
        double value;
        qint64 timeMs;
    };
    void reversal(const Point &point);

    std::vector<Point> m_stack;     // the residue: reversals not yet closed
    std::vector<RainflowCycle> m_cycles;
    Point m_last {0, 0};            // the last reversal (or the first sample)
    Point m_candidate {0, 0};       // the extreme of the current slope
    int m_direction = 0;            // +1 rising, −1 falling, 0 no slope yet
    bool m_started = false;
    qint64 m_samples = 0;
    qint64 m_historySamples = 0;
    qint64 m_reversals = 0;
};

// Counts a whole history at once: the convenience form of RainflowCounter.
std::vector<RainflowCycle> rainflow(const std::vector<double> &values);

// The plain pass that only finds the reversals (peaks and valleys) of a signal, the
// benchmark's baseline: as much work as any counting method needs before it counts.
qint64 countReversals(const double *values, qint64 count);

} // namespace Laces::Core::Ageing
