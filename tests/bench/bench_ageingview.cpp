// The 4D ageing view's speed under software rendering (run it under xvfb-run; Mesa
// llvmpipe draws), each figure next to a baseline in the same run:
//   xvfb-run -a -s "-screen 0 1280x1024x24" build/bench/bench_ageingview [seconds]
// 1. Frame time p50/p99 of the engine (67 parts) in the model view (baseline), then in the
//    4D view playing at a month a second with ~1,000 stress particles.
// 2. Slider to frame: from moving the speed slider to the first rendered frame with the
//    recomputed colours (goal under 100 ms), next to a colour change alone to its frame.
#include "ageing/ageingpanel.h"
#include "ageing/ageingtimeline.h"
#include "session.h"
#include "testserver.h"
#include "viewer/particlecloud.h"
#include "viewer/sceneview.h"
#include "workspace/twinworkspace.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTest>
#include <Qt3DRender/QRenderCaptureReply>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Laces;

namespace {

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5))];
}

// Frames drawn back to back (the scene renders on demand: each capture asks for one), for
// `milliseconds`; each frame's time from request to delivery.
std::vector<double> frameTimes(App::SceneView *view, int milliseconds)
{
    std::vector<double> times;
    QElapsedTimer total;
    total.start();
    while (total.elapsed() < milliseconds) {
        QElapsedTimer frame;
        frame.start();
        Qt3DRender::QRenderCaptureReply *reply = view->requestCapture();
        QSignalSpy done(reply, &Qt3DRender::QRenderCaptureReply::completed);
        if (done.wait(10000))
            times.push_back(double(frame.nsecsElapsed()) / 1e6);
        delete reply;
    }
    return times;
}

// Waits for the next frame drawn after now; its latency in ms.
double frameAfter(App::SceneView *view, const QElapsedTimer &since)
{
    Qt3DRender::QRenderCaptureReply *reply = view->requestCapture();
    QSignalSpy done(reply, &Qt3DRender::QRenderCaptureReply::completed);
    done.wait(10000);
    const double ms = double(since.nsecsElapsed()) / 1e6;
    delete reply;
    return ms;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
    Tests::TestServer demo;
    if (!demo.start([](Server::ServerConfig &config) { config.demo = true; })) {
        std::fprintf(stderr, "cannot start the demo server: %s\n", qPrintable(demo.errorString()));
        return 1;
    }
    const QByteArray token = demo.login(QStringLiteral("engineer"), QStringLiteral("demo-engineer"));
    const QJsonObject twin = demo.request("GET", QStringLiteral("/twins"), token).json.value(QStringLiteral("items"))
                                 .toArray().first().toObject();
    // The demo fills in its week of history in the background: let it finish first, so that
    // both measurements share the machine with the same (idle) server.
    QElapsedTimer filling;
    filling.start();
    while (filling.elapsed() < 120000) {
        const Tests::Reply preview = demo.requestJson(
            "POST", QStringLiteral("/twins/%1/simulations").arg(twin.value(QStringLiteral("id")).toString()), token,
            {{QStringLiteral("store"), false}, {QStringLiteral("step"), QStringLiteral("week")}});
        if (-preview.json.value(QStringLiteral("timeline")).toObject().value(QStringLiteral("start_years")).toDouble() * 365.25 > 6.9)
            break;
        QTest::qWait(1000);
    }
    App::Session session;
    session.client()->setBaseUrl(demo.url());
    session.client()->setToken(token);
    bool ready = false;
    session.client()->me(&app, [&](const QJsonObject &user, const App::ApiError *error) {
        if (!error)
            session.begin(user);
        ready = true;
    });
    while (!ready)
        QTest::qWait(10);

    App::TwinWorkspace workspace(&session, twin);
    workspace.resize(1280, 800);
    workspace.show();
    QSignalSpy shown(&workspace, &App::TwinWorkspace::versionShown);
    workspace.openVersion();
    if (!shown.wait(60000)) {
        std::fprintf(stderr, "the engine did not open\n");
        return 1;
    }
    App::SceneView *view = workspace.sceneView();
    if (!QTest::qWaitForWindowExposed(view->renderWindow()))
        std::fprintf(stderr, "the 3D window was not exposed\n");
    QTest::qWait(1000);
    const std::vector<double> modelFrames = frameTimes(view, seconds * 1000);

    workspace.setAgeingMode(true);
    App::AgeingPanel *ageing = workspace.ageing();
    QElapsedTimer waited;
    waited.start();
    while (!ageing->run() && waited.elapsed() < 60000)
        QTest::qWait(50);
    if (!ageing->run()) {
        std::fprintf(stderr, "no ageing run\n");
        return 1;
    }
    ageing->timeline()->setValue(ageing->run()->startIndex());
    ageing->playButton()->click();
    QTest::qWait(300);
    const std::vector<double> ageingFrames = frameTimes(view, seconds * 1000);
    const bool cloud = view->stressCloud() && view->stressCloud()->isEnabled();
    ageing->playButton()->click();

    std::printf("4D view, engine (%d parts), %dx%d under software rendering (Mesa llvmpipe)\n",
                int(view->componentNames().size()), view->renderWindow()->width(), view->renderWindow()->height());
    std::printf("  model view (baseline)         frame p50 %6.1f ms  p99 %6.1f ms  (%zu frames)\n",
                percentile(modelFrames, 0.5), percentile(modelFrames, 0.99), modelFrames.size());
    std::printf("  4D view playing, %s  frame p50 %6.1f ms  p99 %6.1f ms  (%zu frames)\n",
                cloud ? "1,000 particles" : "no particles!  ", percentile(ageingFrames, 0.5),
                percentile(ageingFrames, 0.99), ageingFrames.size());
    std::printf("  ratio 4D/model p50 %.2f\n", percentile(ageingFrames, 0.5) / std::max(percentile(modelFrames, 0.5), 1e-9));

    // Slider to frame: the future recomputed on a worker thread, colours set, a frame drawn.
    ageing->timeline()->setValue(ageing->timeline()->maximum());
    QSignalSpy runShown(ageing, &App::AgeingPanel::runShown);
    std::vector<double> sliderMs, recomputeMs, colourMs;
    for (int i = 0; i < 20; ++i) {
        runShown.clear();
        QElapsedTimer timer;
        timer.start();
        ageing->rpmSlider()->setValue(1200 + 100 * i);
        if (!runShown.wait(5000))
            continue;
        recomputeMs.push_back(double(timer.nsecsElapsed()) / 1e6);
        sliderMs.push_back(frameAfter(view, timer));
        // Baseline: a colour change alone (no recompute) to its frame.
        QElapsedTimer plain;
        plain.start();
        for (const QString &name : view->componentNames())
            view->setComponentColor(name, QColor(100 + i, 100, 100));
        colourMs.push_back(frameAfter(view, plain));
        ageing->republish();
    }
    std::printf("  slider move to new colours    p50 %6.1f ms  p99 %6.1f ms  (%zu moves; goal under 100 ms -> %s)\n",
                percentile(sliderMs, 0.5), percentile(sliderMs, 0.99), sliderMs.size(),
                percentile(sliderMs, 0.99) < 100 ? "met" : "NOT met");
    std::printf("    of which recomputing the future (worker thread) p50 %.1f ms\n", percentile(recomputeMs, 0.5));
    std::printf("  colour change alone (baseline) p50 %6.1f ms  p99 %6.1f ms;  ratio p50 %.2f\n",
                percentile(colourMs, 0.5), percentile(colourMs, 0.99),
                percentile(sliderMs, 0.5) / std::max(percentile(colourMs, 0.5), 1e-9));
    return 0;
}
