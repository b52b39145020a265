#include "ageing/ageingsimulator.h"
#include "ageing/ageingunits.h"
#include "ageing/arrhenius.h"
#include "ageing/basquin.h"
#include "ageing/material.h"
#include "ageing/measuredhistory.h"
#include "ageing/paris.h"
#include "ageing/rainflow.h"
#include "ageing/weibull.h"

#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <map>

using namespace Laces::Core::Ageing;

using CycleTable = QList<QPair<double, double>>;  // (range, count), ascending by range
Q_DECLARE_METATYPE(CycleTable)

// The physics of the ageing simulator against published values (shared/references/ageing.md
// names each source; the source is repeated next to each expected value).
class tst_Ageing : public QObject
{
    Q_OBJECT

private slots:
    void rainflowTables_data();
    void rainflowTables();
    void rainflowStreamsInChunks();
    void rainflowRangeMeanPairs();
    void parisClosedForm_data();
    void parisClosedForm();
    void simulatorMatchesClosedForm_data();
    void simulatorMatchesClosedForm();
    void crackCriticalNeverEarlierThanClosedForm();
    void belowThresholdNoGrowth();
    void basquinLives_data();
    void basquinLives();
    void basquinKneeAndCutoff();
    void minerSums();
    void basquinFitDowling();
    void arrheniusFactors_data();
    void arrheniusFactors();
    void weibullFits_data();
    void weibullFits();
    void weibullLimits();
    void weibullHeavilyCensored();
    void weibullRefusesBadData();
    void failureProbabilityHasPhysicsMedian();
    void monotonicity_data();
    void monotonicity();
    void units();
    void measuredHistoryCountsAstm();
    void measuredConstantMatchesConstantProfile();
    void monteCarloDeterministic();
    void materialsAndOverrides();
    void segmentsChangeTheFuture();
    void laterComponentStartsNew();
    void resumedRunContinuesExactly();

private:
    static SimulationInputs constantRun(const Material &material, double ratedMPa, OperatingPoint point,
                                        double horizonYears = 5);
};

namespace {

CycleTable aggregate(const std::vector<RainflowCycle> &cycles)
{
    std::map<double, double> byRange;
    for (const RainflowCycle &cycle : cycles)
        byRange[cycle.range] += cycle.count;
    CycleTable table;
    for (const auto &[range, count] : byRange)
        table.append({range, count});
    return table;
}

// A material whose crack grows by the Paris constants given and nothing else: no
// threshold, and a Basquin curve so strong that Miner's sum stays ~0.
Material parisOnly(double c, double m, double kIc, double y, double a0)
{
    Material material = *materialPreset(QStringLiteral("ferrite-pearlite-steel"));
    material.parisC = c;
    material.parisM = m;
    material.kIcMPaSqrtM = kIc;
    material.geometryY = y;
    material.initialCrackM = a0;
    material.deltaKThMPaSqrtM = 0;
    material.sigmaFMPa = 1e9;
    material.activationEnergyEv = 0;
    return material;
}

bool fuzzyRelative(double actual, double expected, double tolerance)
{
    return std::abs(actual - expected) <= tolerance * std::abs(expected);
}

#define QCOMPARE_REL(actual, expected, tolerance)                                                              \
    QVERIFY2(fuzzyRelative((actual), (expected), (tolerance)),                                                 \
             qPrintable(QStringLiteral("%1 = %2, expected %3 (relative tolerance %4)")                          \
                            .arg(QLatin1String(#actual))                                                       \
                            .arg((actual), 0, 'g', 12)                                                         \
                            .arg((expected), 0, 'g', 12)                                                       \
                            .arg(tolerance)))

} // namespace

SimulationInputs tst_Ageing::constantRun(const Material &material, double ratedMPa, OperatingPoint point,
                                         double horizonYears)
{
    SimulationInputs inputs;
    ComponentSpec spec;
    spec.name = QStringLiteral("part");
    spec.material = material;
    spec.ratedStressRangeMPa = ratedMPa;
    inputs.components.append(spec);
    inputs.duty = segmentDuty({{0, point}});
    inputs.timeline.horizonH = horizonYears * kHoursPerYear;
    inputs.timeline.stepH = 24;
    return inputs;
}

void tst_Ageing::rainflowTables_data()
{
    QTest::addColumn<std::vector<double>>("history");
    QTest::addColumn<CycleTable>("expected");
    // ASTM E1049-85 §5.4.4 (three-point method), as asserted by the Python rainflow package
    // (iamlikeme/rainflow, tests/test_rainflow.py).
    QTest::newRow("ASTM E1049 example") << std::vector<double>{-2, 1, -3, 5, -1, 3, -4, 4, -2}
                                        << CycleTable{{3, 0.5}, {4, 1.5}, {6, 0.5}, {8, 1.0}, {9, 0.5}};
    QTest::newRow("ASTM example, each sample twice")
        << std::vector<double>{-2, -2, 1, 1, -3, -3, 5, 5, -1, -1, 3, 3, -4, -4, 4, 4, -2, -2}
        << CycleTable{{3, 0.5}, {4, 1.5}, {6, 0.5}, {8, 1.0}, {9, 0.5}};
    QTest::newRow("empty") << std::vector<double>{} << CycleTable{};
    QTest::newRow("one point") << std::vector<double>{1} << CycleTable{};
    QTest::newRow("two points") << std::vector<double>{1, 2} << CycleTable{};
    QTest::newRow("three rising points") << std::vector<double>{1, 2, 3} << CycleTable{{2, 0.5}};
    // The second history of the same test file.
    QTest::newRow("second history")
        << std::vector<double>{-1.5, 1, -3, 10, -1, 3, -8, 4, -2, 6, -1, -4, -8, 2, 1, -5, 0, 2.5, -4, 1, 0, 2, -0.5}
        << CycleTable{{1, 1.0}, {2.5, 1.0}, {4, 1.5}, {6, 1.5}, {6.5, 0.5},
                      {7, 1.0}, {10.5, 0.5}, {13, 0.5}, {14, 1.0}, {18, 0.5}};
}

void tst_Ageing::rainflowTables()
{
    QFETCH(std::vector<double>, history);
    QFETCH(CycleTable, expected);
    QCOMPARE(aggregate(rainflow(history)), expected);
}

void tst_Ageing::rainflowStreamsInChunks()
{
    // Cut the ASTM history at every place, and into single samples: the same table.
    const std::vector<double> history{-1.5, 1, -3, 10, -1, 3, -8, 4, -2, 6, -1, -4, -8, 2, 1, -5, 0, 2.5, -4, 1, 0, 2, -0.5};
    const CycleTable whole = aggregate(rainflow(history));
    for (size_t cut = 0; cut <= history.size(); ++cut) {
        RainflowCounter counter;
        std::vector<RainflowCycle> found;
        for (size_t i = 0; i < history.size(); ++i) {
            counter.add(history[i], qint64(i));
            if (i + 1 == cut) {
                const auto taken = counter.takeCycles();
                found.insert(found.end(), taken.begin(), taken.end());
            }
        }
        counter.finish();
        const auto rest = counter.takeCycles();
        found.insert(found.end(), rest.begin(), rest.end());
        QCOMPARE(aggregate(found), whole);
    }
}

void tst_Ageing::rainflowRangeMeanPairs()
{
    // ASTM E1049 example: the only full cycle is −1 → 3 (range 4, mean 1), closed by −4.
    const auto cycles = rainflow({-2, 1, -3, 5, -1, 3, -4, 4, -2});
    int full = 0;
    for (const RainflowCycle &cycle : cycles) {
        if (cycle.count == 1.0) {
            ++full;
            QCOMPARE(cycle.range, 4.0);
            QCOMPARE(cycle.mean, 1.0);
        }
    }
    QCOMPARE(full, 1);
    // A plain reversal pass finds the 9 points of the example as peaks and valleys.
    const double values[] = {-2, 1, -3, 5, -1, 3, -4, 4, -2};
    QCOMPARE(countReversals(values, 9), qint64(9));
}

void tst_Ageing::parisClosedForm_data()
{
    QTest::addColumn<double>("c");
    QTest::addColumn<double>("m");
    QTest::addColumn<double>("kIc");
    QTest::addColumn<double>("y");
    QTest::addColumn<double>("rangeMPa");
    QTest::addColumn<double>("a0");
    QTest::addColumn<double>("expectedAc");
    QTest::addColumn<double>("expectedCycles");
    QTest::addColumn<double>("tolerance");  // relative: 1e-6, or the reference's own rounding
    // ageing.md: textbook design example (about 5.5e6 cycles; the exact figure is the
    // closed form's).
    QTest::newRow("worked case") << 1e-12 << 3.0 << 25.0 << 1.0 << 100.0 << 2e-3 << 19.894e-3 << 5484901.0 << 1e-6;
    // ageing.md: edge crack, Y = 1.12; 30,967 is rounded to whole cycles (±0.5).
    QTest::newRow("edge crack") << 6.91e-12 << 3.0 << 66.0 << 1.12 << 300.0 << 1e-3 << 12.2817e-3 << 30967.0
                                << 0.5 / 30967.0;
}

void tst_Ageing::parisClosedForm()
{
    QFETCH(double, c);
    QFETCH(double, m);
    QFETCH(double, kIc);
    QFETCH(double, y);
    QFETCH(double, rangeMPa);
    QFETCH(double, a0);
    QFETCH(double, expectedAc);
    QFETCH(double, expectedCycles);
    QFETCH(double, tolerance);
    const double ac = criticalCrackLength(kIc, y, rangeMPa);
    QCOMPARE_REL(ac, expectedAc, 5e-5);  // ageing.md gives a_c to 5 significant digits
    const double cycles = parisCycles(a0, ac, c, m, y, rangeMPa);
    QCOMPARE_REL(cycles, expectedCycles, tolerance);
    // And back: that many cycles grow a_0 to a_c.
    QCOMPARE_REL(parisCrackAfter(a0, cycles, c, m, y, rangeMPa), ac, 1e-9);
}

void tst_Ageing::simulatorMatchesClosedForm_data()
{
    parisClosedForm_data();
}

void tst_Ageing::simulatorMatchesClosedForm()
{
    QFETCH(double, c);
    QFETCH(double, m);
    QFETCH(double, kIc);
    QFETCH(double, y);
    QFETCH(double, rangeMPa);
    QFETCH(double, a0);
    QFETCH(double, expectedCycles);
    QFETCH(double, tolerance);
    // One cycle of the full range per revolution, 100 rpm: 6,000 cycles an hour.
    SimulationInputs inputs = constantRun(parisOnly(c, m, kIc, y, a0), rangeMPa, {100, 1.0, 20}, 30);
    const SimulationResult result = AgeingSimulator::run(inputs);
    const ComponentResult &part = result.components.at(0);
    QCOMPARE_REL(part.crackCriticalH, expectedCycles / 6000.0, tolerance);
    QCOMPARE(part.failureH, part.crackCriticalH);
    // The failure probability's median is the physics' failure: P(t_c) = 0.5.
    QCOMPARE_REL(weibullCdf(part.failureH, part.etaH, inputs.components[0].material.weibullBeta), 0.5, 1e-12);
}

void tst_Ageing::crackCriticalNeverEarlierThanClosedForm()
{
    // Random constant profiles: the simulator's crack-critical time is never before the
    // closed form's (worked out here in long double, independently of the code), and agrees
    // with it to 1e-9.
    quint64 state = 20261201;
    const auto uniform = [&state](double low, double high) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return low + (high - low) * double(state >> 11) * 0x1.0p-53;
    };
    for (int i = 0; i < 500; ++i) {
        const double c = std::pow(10.0, uniform(-13, -10));
        const double m = uniform(2.2, 4.0);
        const double kIc = uniform(20, 120);
        const double y = uniform(0.8, 1.3);
        const double a0 = uniform(1e-4, 2e-3);
        const double range = uniform(20, 400);
        const double rpm = uniform(10, 3000);
        if (criticalCrackLength(kIc, y, range) <= a0 * 1.01)
            continue;
        SimulationInputs inputs = constantRun(parisOnly(c, m, kIc, y, a0), range, {rpm, 1.0, 20}, 1);
        const double simulated = AgeingSimulator::run(inputs).components.at(0).crackCriticalH;
        const long double q = 1.0L - (long double)m / 2;
        const long double ac = std::pow((long double)kIc / ((long double)y * range), 2) / (long double)M_PI;
        const long double perCycle = (long double)c * std::pow((long double)y * range * std::sqrt((long double)M_PI), (long double)m);
        const long double cycles = (std::pow(ac, q) - std::pow((long double)a0, q)) / (perCycle * q);
        const long double hours = cycles / ((long double)rpm * 60);
        QVERIFY2((long double)simulated >= hours,
                 qPrintable(QStringLiteral("case %1: %2 h before the closed form's %3 h").arg(i).arg(simulated, 0, 'g', 17)
                                .arg(double(hours), 0, 'g', 17)));
        QCOMPARE_REL(simulated, double(hours), 1e-9);
    }
}

void tst_Ageing::belowThresholdNoGrowth()
{
    // ΔK = Y·Δσ·√(π·a_0) = 1.12·50·√(π·0.25 mm) = 1.57 MPa·√m, below the steel threshold of
    // 6.0: the crack never grows, however long the run.
    Material material = *materialPreset(QStringLiteral("aisi-4340"));
    QCOMPARE(material.deltaKThMPaSqrtM, 6.0);
    QVERIFY(stressIntensityRange(material.geometryY, 50, material.initialCrackM) < material.deltaKThMPaSqrtM);
    SimulationInputs inputs = constantRun(material, 50, {3000, 1.0, 20}, 30);
    const ComponentResult part = AgeingSimulator::run(inputs).components.at(0);
    QVERIFY(std::isinf(part.crackCriticalH));
    for (const double crack : part.crackM)
        QCOMPARE(crack, material.initialCrackM);
    // Just above the threshold, it does grow.
    const double justAbove = material.deltaKThMPaSqrtM / (material.geometryY * std::sqrt(M_PI * material.initialCrackM)) * 1.01;
    inputs = constantRun(material, justAbove, {3000, 1.0, 20}, 30);
    QVERIFY(std::isfinite(AgeingSimulator::run(inputs).components.at(0).crackCriticalH));
}

void tst_Ageing::basquinLives_data()
{
    QTest::addColumn<double>("amplitude");
    QTest::addColumn<double>("expected");
    // ageing.md: AISI 4340, σ'_f = 1758 MPa, b = −0.0977 (Dowling Table 9.1).
    QTest::newRow("800 MPa") << 800.0 << 1580.35;
    QTest::newRow("600 MPa") << 600.0 << 30029.9;
    QTest::newRow("500 MPa") << 500.0 << 194091.0;
}

void tst_Ageing::basquinLives()
{
    QFETCH(double, amplitude);
    QFETCH(double, expected);
    const SnCurve curve{1758, -0.0977};
    QCOMPARE_REL(curve.cyclesToFailure(amplitude), expected, 5e-6);  // six significant digits given
}

void tst_Ageing::basquinKneeAndCutoff()
{
    const SnCurve plain{1758, -0.0977};
    SnCurve knee = plain;
    knee.kneeCycles = 1e7;
    const double kneeAmplitude = knee.kneeAmplitudeMPa();
    // At the knee both curves give N_D; above it they agree; below it Haibach's flatter
    // slope k' = 2k − 1 gives longer lives than Basquin continued.
    QCOMPARE_REL(plain.cyclesToFailure(kneeAmplitude), 1e7, 1e-12);
    QCOMPARE_REL(knee.cyclesToFailure(kneeAmplitude * 1.2), plain.cyclesToFailure(kneeAmplitude * 1.2), 1e-12);
    const double k = 1 / 0.0977;
    QCOMPARE_REL(knee.cyclesToFailure(kneeAmplitude / 2), 1e7 * std::pow(2.0, 2 * k - 1), 1e-12);
    QVERIFY(knee.cyclesToFailure(kneeAmplitude / 2) > plain.cyclesToFailure(kneeAmplitude / 2));
    knee.cutoffAmplitudeMPa = 100;
    QVERIFY(std::isinf(knee.cyclesToFailure(100)));
    QVERIFY(std::isfinite(knee.cyclesToFailure(101)));
}

void tst_Ageing::minerSums()
{
    // ageing.md: two-level Miner sum on 4340, 1,000 cycles at 800 MPa + 10,000 at 600 MPa.
    const SnCurve curve{1758, -0.0977};
    QCOMPARE_REL(minerSum({{1000, curve.cyclesToFailure(800)}, {10000, curve.cyclesToFailure(600)}}), 0.96577, 5e-6);
    // ageing.md: the `reliability` library's duty-cycle example: rated lives 50,000 h at
    // 1 kN, 6,500 h at 2 kN, 1,000 h at 4 kN; a duty cycle is 40, 15 and 5 minutes of them.
    const QList<MinerBlock> duty{{40.0 / 60, 50000}, {15.0 / 60, 6500}, {5.0 / 60, 1000}};
    const double perCycle = minerSum(duty);
    QCOMPARE_REL(1.0 / perCycle, 7400.38, 1e-6);
    QCOMPARE_REL(duty[0].applied / duty[0].life / perCycle, 0.09867, 5e-4);
    QCOMPARE_REL(duty[1].applied / duty[1].life / perCycle, 0.28463, 5e-5);
    QCOMPARE_REL(duty[2].applied / duty[2].life / perCycle, 0.61670, 5e-5);
}

void tst_Ageing::basquinFitDowling()
{
    // ageing.md: Dowling Example 9.1 (AISI 4340), least squares of log N on log σ_a:
    // A = 1587 MPa, B = −0.0945, σ'_f = 1695 MPa (four significant digits).
    const auto fit = fitBasquin({{948, 222}, {834, 992}, {703, 6004}, {631, 14130}, {579, 43860}, {524, 132150}});
    QVERIFY(fit);
    QCOMPARE_REL(fit->coefficientMPa, 1587.0, 5e-4);
    QCOMPARE_REL(fit->exponent, -0.0945, 1e-3);
    QCOMPARE_REL(fit->sigmaFMPa, 1695.0, 5e-4);
    QVERIFY(!fitBasquin({{500, 1000}}));
    QVERIFY(!fitBasquin({{500, 1000}, {500, 2000}}));
    QVERIFY(!fitBasquin({{-5, 1000}, {500, 2000}}));
}

void tst_Ageing::arrheniusFactors_data()
{
    QTest::addColumn<double>("ea");
    QTest::addColumn<double>("useC");
    QTest::addColumn<double>("stressC");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("tolerance");
    // ageing.md: the `reliability` library's docs (k = 8.617333262e-5 eV/K, 273.15).
    QTest::newRow("1.2 eV, 60 to 100 °C") << 1.2 << 60.0 << 100.0 << 88.2957458846 << 1e-10;
    QTest::newRow("0.7 eV, 55 to 125 °C") << 0.7 << 55.0 << 125.0 << 77.645 << 1e-4;
    QTest::newRow("same temperature") << 0.7 << 80.0 << 80.0 << 1.0 << 0.0;
}

void tst_Ageing::arrheniusFactors()
{
    QFETCH(double, ea);
    QFETCH(double, useC);
    QFETCH(double, stressC);
    QFETCH(double, expected);
    QFETCH(double, tolerance);
    if (tolerance == 0)
        QCOMPARE(arrheniusFactor(ea, useC, stressC), expected);  // exactly 1
    else
        QCOMPARE_REL(arrheniusFactor(ea, useC, stressC), expected, tolerance);
    // Colder than the reference slows the rate: the reciprocal factor.
    QCOMPARE_REL(arrheniusFactor(ea, stressC, useC) * arrheniusFactor(ea, useC, stressC), 1.0, 1e-14);
}

void tst_Ageing::weibullFits_data()
{
    QTest::addColumn<QList<double>>("failures");
    QTest::addColumn<QList<double>>("suspensions");
    QTest::addColumn<double>("eta");
    QTest::addColumn<double>("beta");
    QTest::addColumn<double>("logLikelihood");
    QTest::addColumn<double>("b10");
    QTest::addColumn<double>("b10Precision");  // half a unit of the reference's last digit
    // ageing.md: the `reliability` library's Fit_Weibull_2P docs, complete sample of 30.
    QTest::newRow("complete")
        << QList<double>{58, 75, 36, 52, 63, 65, 22, 17, 28, 64, 23, 40, 73, 45, 52,
                         36, 52, 60, 13, 55, 82, 55, 34, 57, 23, 42, 66, 35, 34, 25}
        << QList<double>{} << 51.858 << 2.80086 << -129.063 << 23.221 << 0.0005;
    // Same docs, right-censored.
    QTest::newRow("right-censored") << QList<double>{17, 5, 12} << QList<double>{20, 25} << 23.0653 << 1.57474
                                    << -12.4823 << qQNaN() << 0.0;
    // NIST/SEMATECH e-Handbook 8.4.1.3: 20 units, 10 failures, 10 running at 500 h.
    QTest::newRow("NIST")
        << QList<double>{54, 187, 216, 240, 244, 335, 361, 373, 375, 386}
        << QList<double>{500, 500, 500, 500, 500, 500, 500, 500, 500, 500} << 606.528 << 1.7208 << qQNaN() << 164.0
        << 0.05;
}

void tst_Ageing::weibullFits()
{
    QFETCH(QList<double>, failures);
    QFETCH(QList<double>, suspensions);
    QFETCH(double, eta);
    QFETCH(double, beta);
    QFETCH(double, logLikelihood);
    QFETCH(double, b10);
    QFETCH(double, b10Precision);
    const auto fit = fitWeibull(failures, suspensions);
    QVERIFY2(fit, fit ? "" : qPrintable(fit.error().message));
    QCOMPARE_REL(fit->eta, eta, 1e-4);
    QCOMPARE_REL(fit->beta, beta, 1e-4);
    if (!std::isnan(logLikelihood))
        QCOMPARE_REL(fit->logLikelihood, logLikelihood, 1e-4);
    // B-lives are printed to fewer digits than the fit: compared to the reference's digits.
    if (!std::isnan(b10))
        QVERIFY2(std::abs(weibullQuantile(0.1, fit->eta, fit->beta) - b10) <= b10Precision,
                 qPrintable(QString::number(weibullQuantile(0.1, fit->eta, fit->beta), 'g', 10)));
}

void tst_Ageing::weibullLimits()
{
    // ageing.md: at t = η, P = 1 − 1/e; B10 = η·(−ln 0.9)^(1/β); median = η·(ln 2)^(1/β).
    QCOMPARE_REL(weibullCdf(606.528, 606.528, 1.7208), 1 - std::exp(-1.0), 1e-15);
    QCOMPARE_REL(weibullQuantile(0.1, 100, 2), 100 * std::pow(-std::log(0.9), 0.5), 1e-15);
    QCOMPARE_REL(weibullQuantile(0.5, 100, 2), 100 * std::pow(std::log(2.0), 0.5), 1e-15);
    QCOMPARE_REL(weibullCdf(weibullQuantile(0.5, 100, 2), 100, 2), 0.5, 1e-15);
    QCOMPARE_REL(weibullEtaForMedian(weibullQuantile(0.5, 100, 2), 2), 100.0, 1e-15);
    // Remaining life after surviving an age (conditional reliability R(a + t)/R(a),
    // Meeker & Escobar, Statistical Methods for Reliability Data, §2.2): an exponential
    // life (β = 1) has no memory, its median remaining life is η·ln 2 at any age; at age 0
    // it is the unconditional quantile; a wearing-out part (β > 1) has less left the older
    // it is; at the returned t the conditional probability of failure is p.
    for (double age : {0.0, 10.0, 1000.0})
        QCOMPARE_REL(weibullResidualQuantile(0.5, age, 250, 1), 250 * std::log(2.0), 1e-12);
    QCOMPARE_REL(weibullResidualQuantile(0.1, 0, 100, 2), weibullQuantile(0.1, 100, 2), 1e-15);
    QVERIFY(weibullResidualQuantile(0.5, 600, 606.528, 1.7208) < weibullResidualQuantile(0.5, 100, 606.528, 1.7208));
    const double left = weibullResidualQuantile(0.9, 500, 606.528, 1.7208);
    QCOMPARE_REL(1 - (1 - weibullCdf(500 + left, 606.528, 1.7208)) / (1 - weibullCdf(500, 606.528, 1.7208)), 0.9, 1e-12);
    // NIST: mean 540.74 h (Γ(1 + 1/β)·η).
    QVERIFY(std::abs(weibullMean(606.528, 1.7208) - 540.74) < 0.005);
    // ageing.md: the log-likelihood of the censored sample at (η = 15, β = 2) is −13.8324.
    QCOMPARE_REL(weibullLogLikelihood({17, 5, 12}, {20, 25}, 15, 2), -13.8324, 1e-5);
    QCOMPARE(weibullCdf(0, 10, 2), 0.0);
}

void tst_Ageing::weibullHeavilyCensored()
{
    // Three failures among 400 units, the rest still running at 1,000 h: Newton on (η, β)
    // from the usual start diverges on such data (ageing.md). The fit must find the
    // maximum: every neighbour has a lower likelihood, and the score vanishes.
    const QList<double> failures{150, 420, 610};
    QList<double> suspensions;
    for (int i = 0; i < 397; ++i)
        suspensions.append(1000.0 - (i % 7) * 30);
    const auto fit = fitWeibull(failures, suspensions);
    QVERIFY2(fit, fit ? "" : qPrintable(fit.error().message));
    QVERIFY(std::isfinite(fit->eta) && std::isfinite(fit->beta));
    QVERIFY(fit->eta > 1000);  // far beyond every time seen: few failures among many runners
    for (const double scale : {0.999, 1.001}) {
        QVERIFY(weibullLogLikelihood(failures, suspensions, fit->eta * scale, fit->beta) < fit->logLikelihood);
        QVERIFY(weibullLogLikelihood(failures, suspensions, fit->eta, fit->beta * scale) < fit->logLikelihood);
    }
    // One failure and many suspensions still has a maximum.
    QVERIFY(fitWeibull({500}, suspensions));
}

void tst_Ageing::weibullRefusesBadData()
{
    QVERIFY(!fitWeibull({}, {10, 20}));
    QVERIFY(!fitWeibull({10, -3}));
    QVERIFY(!fitWeibull({10, qQNaN()}));
    QVERIFY(!fitWeibull({10, 10}, {5}));  // every failure at the longest time: β → ∞
    QCOMPARE(fitWeibull({10, 10}, {5}).error().field, QStringLiteral("failures"));
}

void tst_Ageing::failureProbabilityHasPhysicsMedian()
{
    // A Miner-governed part (no crack growth below threshold): its damage reaches 1 at the
    // time Basquin predicts, and that is where P = 0.5; B10 comes earlier.
    Material material = *materialPreset(QStringLiteral("aisi-4340"));
    material.kneeCycles = 0;
    material.deltaKThMPaSqrtM = 1000;
    const double rated = 400;  // σ_a = 200 MPa at full load
    SimulationInputs inputs = constantRun(material, rated, {1000, 1.0, 20}, 30);
    const SimulationResult result = AgeingSimulator::run(inputs);
    const ComponentResult &part = result.components.at(0);
    const double life = SnCurve{1758, -0.0977}.cyclesToFailure(200) / 60000.0;  // hours at 60,000 cycles/h
    QCOMPARE_REL(part.minerFailureH, life, 1e-9);
    QCOMPARE_REL(part.failureH, life, 1e-9);
    QVERIFY(part.b10H < part.failureH);
    QCOMPARE_REL(weibullCdf(part.b10H, part.etaH, material.weibullBeta), 0.1, 1e-12);
    // The series: damage is Miner's linear sum, the probability the Weibull.
    for (size_t i = 0; i < result.timesH.size(); ++i) {
        const double t = result.timesH[i];
        QCOMPARE_REL(part.damage[i] + 1e-300, std::min(1.0, t / life) + 1e-300, 1e-9);
        QCOMPARE_REL(part.failureProbability[i] + 1e-300, weibullCdf(t, part.etaH, material.weibullBeta) + 1e-300, 1e-12);
    }
}

void tst_Ageing::monotonicity_data()
{
    QTest::addColumn<QString>("knob");
    QTest::newRow("more load") << QStringLiteral("load");
    QTest::newRow("more heat") << QStringLiteral("temperature");
    QTest::newRow("higher rpm") << QStringLiteral("rpm");
}

void tst_Ageing::monotonicity()
{
    QFETCH(QString, knob);
    // For every preset: turning one knob up never delays failure, and for a part whose crack
    // grows it brings failure strictly earlier.
    for (const Material &material : materialPresets()) {
        const double rated = material.ratedStressRangeMPa * 2.4;  // past threshold at a_0: the crack grows
        double previous = std::numeric_limits<double>::infinity();
        for (int step = 0; step < 5; ++step) {
            OperatingPoint point{1500, 1.0, 40};
            if (knob == QLatin1String("load"))
                point.load = 0.9 + 0.1 * step;
            else if (knob == QLatin1String("temperature"))
                point.temperatureC = 20 + 25 * step;
            else
                point.rpm = 500 + 500 * step;
            const double failure = AgeingSimulator::run(constantRun(material, rated, point, 30)).components.at(0).failureH;
            QVERIFY2(std::isfinite(failure), qPrintable(material.preset));
            QVERIFY2(failure < previous, qPrintable(QStringLiteral("%1: %2 at step %3").arg(material.preset, knob).arg(step)));
            previous = failure;
        }
    }
}

void tst_Ageing::units()
{
    // A Julian year of hours, kelvin at 273.15, Boltzmann in eV/K (ageing.md pins both).
    QCOMPARE(kHoursPerYear, 365.25 * 24);
    QCOMPARE(kZeroCelsiusK, 273.15);
    QCOMPARE(kBoltzmannEvPerK, 8.617333262e-5);
    // Crack lengths are metres: the worked case's a_c is 0.019894 m (19.894 mm).
    QCOMPARE_REL(criticalCrackLength(25, 1.0, 100), 0.019894, 5e-5);
    // Cycles per hour are rpm·60·cycles_per_rev: two cycles a revolution halve the life.
    const Material material = parisOnly(1e-12, 3, 25, 1, 2e-3);
    SimulationInputs one = constantRun(material, 100, {100, 1.0, 20}, 30);
    SimulationInputs two = one;
    two.components[0].cyclesPerRev = 2;
    const ComponentResult a = AgeingSimulator::run(one).components.at(0);
    const ComponentResult b = AgeingSimulator::run(two).components.at(0);
    QCOMPARE(a.cyclesPerHour, 6000.0);
    QCOMPARE(b.cyclesPerHour, 12000.0);
    QCOMPARE_REL(b.failureH, a.failureH / 2, 1e-12);
    // The stress range is load × rated_stress_range_mpa: at half load, 50 MPa.
    SimulationInputs half = constantRun(material, 100, {100, 0.5, 20}, 30);
    QCOMPARE_REL(AgeingSimulator::run(half).components.at(0).stressRangeMPa, 50.0, 1e-12);
    // The timeline: daily points over 5 years and the horizon itself.
    const std::vector<double> times = one.timeline.times();
    QCOMPARE(times.front(), 0.0);
    QCOMPARE(times.back(), 30 * kHoursPerYear);
    QCOMPARE(times[1], 24.0);
}

void tst_Ageing::measuredHistoryCountsAstm()
{
    // The ASTM series as a torque signal, one sample a second: the measured cycle table is
    // the standard's, in the signal's own unit, and every cycle lands in the past steps.
    MeasuredHistoryBuilder::Options options;
    options.endMs = 100000;
    options.stepH = 1;
    options.referenceSignal = 10;  // rated torque: loads are a tenth of the signal
    MeasuredHistoryBuilder builder(options);
    const std::vector<double> astm{-2, 1, -3, 5, -1, 3, -4, 4, -2};
    for (size_t i = 0; i < astm.size(); ++i)
        builder.add({qint64(i) * 1000, astm[i], std::nan(""), std::nan("")});
    const MeasuredHistory history = builder.finish();
    QCOMPARE(history.samples, qint64(9));
    std::vector<std::pair<double, double>> expected{{3, 0.5}, {4, 1.5}, {6, 0.5}, {8, 1.0}, {9, 0.5}};
    QCOMPARE(history.cycles, expected);
    QCOMPARE(history.past.size(), size_t(1));
    double cycles = 0;
    for (const auto &bin : history.past.front().spectrum->bins())
        cycles += bin.signalPerHour;  // the past step lasts one hour
    QCOMPARE(cycles, 4.0);
    QCOMPARE(history.past.front().spectrum->maxLoadRange(), 0.9);
}

void tst_Ageing::measuredConstantMatchesConstantProfile()
{
    // Ten days of a machine at a steady 1,200 rpm and 80 % load, sampled every 10 s, end to
    // end through the measured model, age a part as the constant profile does.
    const double rated = 150;
    Material material = *materialPreset(QStringLiteral("aluminium-2024-t3"));
    MeasuredHistoryBuilder::Options options;
    const qint64 endMs = qint64(10) * 24 * 3600 * 1000;
    options.endMs = endMs;
    options.stepH = 24;
    options.referenceSignal = 500;  // N·m at rated load
    MeasuredHistoryBuilder builder(options);
    for (qint64 t = 0; t <= endMs; t += 10000)
        builder.add({t, 400, 1200, 20});
    const MeasuredHistory history = builder.finish();
    QVERIFY(history.cycles.empty());  // a steady signal has no cycles of its own
    QCOMPARE(history.past.size(), size_t(10));
    QCOMPARE_REL(history.revolutionsPerHour, 1200 * 60.0, 1e-9);

    SimulationInputs measured;
    ComponentSpec spec;
    spec.name = QStringLiteral("part");
    spec.material = material;
    spec.ratedStressRangeMPa = rated;
    measured.components.append(spec);
    measured.duty = history.past;
    measured.duty.push_back({0, std::numeric_limits<double>::infinity(), history.equivalent, history.equivalentTemperatureC});
    measured.timeline.startH = history.startH;
    measured.timeline.pastStepH = 24;
    SimulationInputs constant = constantRun(material, rated, {1200, 0.8, 20});
    constant.timeline.startH = -240;
    constant.timeline.pastStepH = 24;
    constant.duty = segmentDuty({{0, {1200, 0.8, 20}}}, -240);
    const ComponentResult a = AgeingSimulator::run(measured).components.at(0);
    const ComponentResult b = AgeingSimulator::run(constant).components.at(0);
    QCOMPARE_REL(a.failureH, b.failureH, 1e-9);
    QCOMPARE_REL(a.stressRangeMPa, 0.8 * rated, 1e-12);
    QCOMPARE_REL(a.damage.back(), b.damage.back(), 1e-9);
}

void tst_Ageing::monteCarloDeterministic()
{
    Material material = *materialPreset(QStringLiteral("aisi-4340"));
    SimulationInputs inputs = constantRun(material, material.ratedStressRangeMPa * 2.4, {1500, 1.0, 40}, 30);
    inputs.monteCarloSamples = 400;
    inputs.seed = 7;
    const ComponentResult a = AgeingSimulator::run(inputs).components.at(0);
    const ComponentResult b = AgeingSimulator::run(inputs).components.at(0);
    QVERIFY(a.hasMonteCarlo);
    QCOMPARE(a.p10H, b.p10H);  // bit for bit
    QCOMPARE(a.p50H, b.p50H);
    QCOMPARE(a.p90H, b.p90H);
    QVERIFY(a.p10H < a.p50H && a.p50H < a.p90H);
    // The nominal part's failure lies inside the band.
    QVERIFY(a.p10H < a.failureH && a.failureH < a.p90H);
    inputs.seed = 8;
    QVERIFY(AgeingSimulator::run(inputs).components.at(0).p50H != a.p50H);
    // Bands: the P10 crack is never above the P90 crack, and failures only accumulate.
    const MonteCarloBands bands = AgeingSimulator::monteCarloBands(inputs, 0, 200, 7);
    QCOMPARE(bands.crackP10M.size(), inputs.timeline.times().size());
    for (size_t i = 0; i < bands.crackP10M.size(); ++i) {
        QVERIFY(bands.crackP10M[i] <= bands.crackP90M[i]);
        if (i > 0)
            QVERIFY(bands.failedFraction[i] >= bands.failedFraction[i - 1]);
    }
}

void tst_Ageing::materialsAndOverrides()
{
    QCOMPARE(materialPresets().size(), 8);
    for (const char *name : {"AISI 4340", "aisi_4340", "aisi-4340 steel", "Aluminum 2024-T3", "ti-6al-4v"})
        QVERIFY2(materialPreset(QLatin1String(name)), name);
    QVERIFY(!materialPreset(QStringLiteral("unobtainium")));
    for (const Material &material : materialPresets())
        QVERIFY2(material.validate(), qPrintable(material.preset));
    // ageing.md's presets: 4340's constants.
    const Material steel = *materialPreset(QStringLiteral("aisi-4340"));
    QCOMPARE(steel.parisC, 5.11e-13);
    QCOMPARE(steel.parisM, 3.24);
    QCOMPARE(steel.kIcMPaSqrtM, 50.0);
    QCOMPARE(steel.sigmaFMPa, 1758.0);
    QCOMPARE(steel.basquinB, -0.0977);
    // a_0 is El Haddad's intrinsic crack length: ΔK at a_0 under twice the fatigue limit
    // (σ'_f·(2·10^7)^b = 340.2 MPa for 4340) is ΔK_th, so the crack starts to grow exactly
    // where the S–N curve's fatigue limit is.
    const double limit = SnCurve{1758, -0.0977, 1e7}.kneeAmplitudeMPa();
    QCOMPARE_REL(limit, 340.2, 1e-4);
    QCOMPARE_REL(stressIntensityRange(steel.geometryY, 2 * limit, steel.initialCrackM), 6.0, 1e-12);
    QCOMPARE(steel.ratedStressRangeMPa, std::round(limit));

    auto changed = withOverrides(steel, {{QStringLiteral("k_ic"), 55}, {QStringLiteral("beta"), 3}}, QStringLiteral("materials.rod"));
    QVERIFY(changed);
    QCOMPARE(changed->kIcMPaSqrtM, 55.0);
    QCOMPARE(changed->weibullBeta, 3.0);
    QCOMPARE(changed->preset, QStringLiteral("aisi-4340"));
    auto other = withOverrides(steel, {{QStringLiteral("preset"), QStringLiteral("aluminium 7075-T6")}}, {});
    QVERIFY(other);
    QCOMPARE(other->parisM, 3.70);
    const auto unknown = withOverrides(steel, {{QStringLiteral("kic"), 55}}, QStringLiteral("materials.rod"));
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().field, QStringLiteral("materials.rod.kic"));
    const auto negative = withOverrides(steel, {{QStringLiteral("c"), -1}}, QStringLiteral("materials.rod"));
    QCOMPARE(negative.error().field, QStringLiteral("materials.rod.c"));
    const auto text = withOverrides(steel, {{QStringLiteral("m"), QStringLiteral("3")}}, {});
    QCOMPARE(text.error().field, QStringLiteral("m"));
    const auto badPreset = withOverrides(steel, {{QStringLiteral("preset"), QStringLiteral("cheese")}}, QStringLiteral("x"));
    QCOMPARE(badPreset.error().field, QStringLiteral("x.preset"));
    // The JSON form names the same fields.
    const QJsonObject json = steel.toJson();
    QCOMPARE(json.value(QStringLiteral("k_ic")).toDouble(), 50.0);
    QCOMPARE(json.value(QStringLiteral("preset")).toString(), QStringLiteral("aisi-4340"));
    QVERIFY(json.value(QStringLiteral("grey")).toString().startsWith(QLatin1Char('#')));

    // Defaults by part name.
    QCOMPARE(defaultPresetFor(QStringLiteral("rod_123-699_0_Parts_1")), QStringLiteral("aisi-4340"));
    QCOMPARE(defaultPresetFor(QStringLiteral("Spring_Link__0_Parts_1")), QStringLiteral("martensitic-steel"));
    QCOMPARE(defaultPresetFor(QStringLiteral("Piston_123-844_0_Parts_1")), QStringLiteral("aluminium-2024-t3"));
    QCOMPARE(defaultPresetFor(QStringLiteral("Lifter_123-923_0_Parts_1")), QStringLiteral("martensitic-steel"));
    QCOMPARE(defaultPresetFor(QStringLiteral("body_12")), QStringLiteral("ferrite-pearlite-steel"));
}

void tst_Ageing::segmentsChangeTheFuture()
{
    // "From year 2 at 1,800 rpm": until year 2 the run is the constant one, then it ages
    // faster, and fails sooner. A Miner-governed part (σ_a = 250 MPa, below 4340's knee,
    // about 4e9 cycles: 6.3 years at 1,200 rpm); its crack stays below threshold.
    Material material = *materialPreset(QStringLiteral("aisi-4340"));
    material.deltaKThMPaSqrtM = 1000;
    const double rated = 500;
    SimulationInputs steady = constantRun(material, rated, {1200, 1.0, 20}, 10);
    SimulationInputs whatIf = steady;
    whatIf.duty = segmentDuty({{0, {1200, 1.0, 20}}, {2, {1800, 1.0, 20}}});
    const SimulationResult a = AgeingSimulator::run(steady);
    const SimulationResult b = AgeingSimulator::run(whatIf);
    const std::vector<double> &times = a.timesH;
    for (size_t i = 0; i < times.size(); ++i) {
        if (times[i] <= 2 * kHoursPerYear)
            QCOMPARE(b.components[0].damage[i], a.components[0].damage[i]);
        else if (a.components[0].damage[i] < 1)
            QVERIFY(b.components[0].damage[i] > a.components[0].damage[i]);
    }
    QVERIFY(a.components[0].failureH > 5 * kHoursPerYear);
    // 2 years at 1,200 rpm, the rest at 1.5 times the cycles: failure at 2 + (6.3 − 2)/1.5.
    QCOMPARE_REL(b.components[0].failureH, 2 * kHoursPerYear + (a.components[0].failureH - 2 * kHoursPerYear) / 1.5, 1e-9);
}

void tst_Ageing::laterComponentStartsNew()
{
    // A part fitted a year into the run is new then: it has no values before, and it ages as
    // the first one did a year earlier.
    Material material = *materialPreset(QStringLiteral("aisi-4340"));
    SimulationInputs inputs = constantRun(material, material.ratedStressRangeMPa * 1.5, {1500, 1.0, 20}, 5);
    ComponentSpec later = inputs.components[0];
    later.name = QStringLiteral("replacement");
    later.lifeStartH = kHoursPerYear;
    inputs.components.append(later);
    const SimulationResult result = AgeingSimulator::run(inputs);
    const ComponentResult &first = result.components[0];
    const ComponentResult &second = result.components[1];
    QVERIFY(std::isnan(second.damage[0]));
    QCOMPARE_REL(second.failureH - kHoursPerYear, first.failureH, 1e-9);
}

void tst_Ageing::resumedRunContinuesExactly()
{
    // A run with a measured-like past (ten days at a steady duty) and a what-if future; a
    // second run that starts at 0 from the first one's state there gives the same future,
    // bit for bit (the desktop recomputes futures this way while sliders move).
    Material material = *materialPreset(QStringLiteral("aisi-4340"));
    SimulationInputs full;
    ComponentSpec spec;
    spec.name = QStringLiteral("part");
    spec.material = material;
    spec.ratedStressRangeMPa = material.ratedStressRangeMPa * 2.2;
    full.components.append(spec);
    full.duty = segmentDuty({{0, {2, 1.0, 40}}}, -240);
    full.duty.front().toH = 0;
    for (const DutyInterval &interval : segmentDuty({{0, {1, 0.95, 60}}, {1, {2, 1.0, 70}}}))
        full.duty.push_back(interval);
    full.timeline.startH = -240;
    full.timeline.pastStepH = 24;
    full.timeline.horizonH = 5 * kHoursPerYear;
    const SimulationResult a = AgeingSimulator::run(full);
    const ComponentResult &whole = a.components.at(0);
    QVERIFY(whole.stateAtStart.has_value());
    QVERIFY(whole.stateAtStart->crackM > material.initialCrackM);  // it grew in the past
    QVERIFY(whole.failureH > 0 && whole.failureH < full.timeline.horizonH);  // and fails in the future

    SimulationInputs resumed = full;
    resumed.duty.erase(resumed.duty.begin());
    resumed.timeline.startH = 0;
    resumed.components[0].lifeStartH = -240;
    resumed.components[0].resumeFrom = whole.stateAtStart;
    const SimulationResult b = AgeingSimulator::run(resumed);
    const ComponentResult &rest = b.components.at(0);
    QCOMPARE(rest.failureH, whole.failureH);
    QCOMPARE(rest.b10H, whole.b10H);
    const size_t offset = a.timesH.size() - b.timesH.size();
    QCOMPARE(a.timesH[offset], 0.0);
    for (size_t i = 0; i < b.timesH.size(); ++i) {
        QCOMPARE(rest.crackM[i], whole.crackM[offset + i]);
        QCOMPARE(rest.damage[i], whole.damage[offset + i]);
        QCOMPARE(rest.failureProbability[i], whole.failureProbability[offset + i]);
    }
}

QTEST_GUILESS_MAIN(tst_Ageing)
#include "tst_ageing.moc"
