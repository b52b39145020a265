#include "ageingpanel.h"

#include "ageing/ageingunits.h"
#include "ageingcharts.h"
#include "ageingtimeline.h"
#include "maintenance/ticketmodel.h"
#include "session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QScrollArea>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace Laces::App {

namespace {

constexpr double kMsPerYear = Core::Ageing::kHoursPerYear * 3600000.0;

QString dateOf(const QString &rfc3339)
{
    return rfc3339.isEmpty() ? QString() : rfc3339.left(10);
}

QString yearsText(double years)
{
    return QString::number(years, 'f', years < 1 ? 2 : 1);
}

} // namespace

AgeingPanel::AgeingPanel(Session *session, QString twinId, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_twinId(std::move(twinId))
    , m_computing(new QFutureWatcher<AgeingRun>(this))
    , m_timeline(new AgeingTimeline(this))
    , m_play(new QPushButton(tr("Play"), this))
    , m_speed(new QComboBox(this))
    , m_when(new QLabel(this))
    , m_player(new QTimer(this))
    , m_futureLabel(new QLabel(this))
    , m_rpm(new QSlider(Qt::Horizontal, this))
    , m_load(new QSlider(Qt::Horizontal, this))
    , m_temperature(new QSlider(Qt::Horizontal, this))
    , m_rpmValue(new QSpinBox(this))
    , m_loadValue(new QDoubleSpinBox(this))
    , m_temperatureValue(new QSpinBox(this))
    , m_reset(new QPushButton(tr("As measured"), this))
    , m_monteCarlo(new QCheckBox(tr("&Monte Carlo bands"), this))
    , m_samples(new QSpinBox(this))
    , m_failure(new QLabel(this))
    , m_worst(new QLabel(this))
    , m_save(new QPushButton(tr("&Save run"), this))
    , m_export(new QPushButton(tr("&Export JSON…"), this))
    , m_runs(new QListWidget(this))
    , m_open(new QPushButton(tr("Open"), this))
    , m_delete(new QPushButton(tr("Delete"), this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_status(new QLabel(this))
    , m_charts(new AgeingCharts(this))
{
    m_play->setObjectName(QStringLiteral("play"));
    m_play->setToolTip(tr("Play or pause the timeline (Space on the timeline)"));
    m_speed->setObjectName(QStringLiteral("speed"));
    m_speed->setAccessibleName(tr("Playback speed"));
    m_speed->addItem(tr("1 day per second"), 1.0 / 365.25);
    m_speed->addItem(tr("1 week per second"), 7.0 / 365.25);
    m_speed->addItem(tr("1 month per second"), 1.0 / 12);
    m_speed->addItem(tr("1 year per second"), 1.0);
    m_speed->setCurrentIndex(2);
    m_when->setObjectName(QStringLiteral("shownTime"));
    m_when->setMinimumWidth(170);
    m_timeline->setAccessibleName(tr("Time shown"));
    m_timeline->setToolTip(tr("Left of the line: the measured past; right: the simulated future. Orange marks: "
                              "versions of the twin."));
    auto *timeRow = new QHBoxLayout;
    timeRow->addWidget(m_play);
    timeRow->addWidget(m_speed);
    timeRow->addWidget(m_timeline, 1);
    timeRow->addWidget(m_when);

    // Operating conditions from now on.
    m_rpm->setObjectName(QStringLiteral("rpm"));
    m_rpm->setRange(0, 6000);
    m_rpm->setSingleStep(10);
    m_rpm->setPageStep(100);
    m_rpmValue->setRange(0, 6000);
    m_rpmValue->setSingleStep(10);
    m_rpmValue->setSuffix(tr(" rpm"));
    m_load->setObjectName(QStringLiteral("load"));
    m_load->setRange(0, 200);
    m_load->setPageStep(10);
    m_loadValue->setRange(0, 2);
    m_loadValue->setSingleStep(0.01);
    m_loadValue->setDecimals(2);
    m_loadValue->setSuffix(tr(" × rated"));
    m_temperature->setObjectName(QStringLiteral("temperature"));
    m_temperature->setRange(-40, 250);
    m_temperature->setPageStep(10);
    m_temperatureValue->setRange(-40, 250);
    m_temperatureValue->setSuffix(tr(" °C"));
    m_futureLabel->setObjectName(QStringLiteral("future"));
    m_futureLabel->setWordWrap(true);
    m_reset->setToolTip(tr("Let the future go on as the machine was measured"));
    auto *conditions = new QGroupBox(tr("From now on"), this);
    auto *form = new QFormLayout(conditions);
    const auto row = [&](QSlider *slider, QWidget *value) {
        auto *line = new QHBoxLayout;
        line->addWidget(slider, 1);
        line->addWidget(value);
        return line;
    };
    auto *rpmLabel = new QLabel(tr("S&peed:"), conditions);
    rpmLabel->setBuddy(m_rpm);
    form->addRow(rpmLabel, row(m_rpm, m_rpmValue));
    auto *loadLabel = new QLabel(tr("&Load:"), conditions);
    loadLabel->setBuddy(m_load);
    form->addRow(loadLabel, row(m_load, m_loadValue));
    auto *temperatureLabel = new QLabel(tr("&Temperature:"), conditions);
    temperatureLabel->setBuddy(m_temperature);
    form->addRow(temperatureLabel, row(m_temperature, m_temperatureValue));
    auto *monteCarloRow = new QHBoxLayout;
    m_monteCarlo->setObjectName(QStringLiteral("monteCarlo"));
    m_monteCarlo->setToolTip(tr("Scatter of C, a₀ and K_IC, computed by the server for the selected and the worst "
                                "component"));
    m_samples->setRange(50, 10000);
    m_samples->setValue(500);
    m_samples->setSingleStep(100);
    m_samples->setSuffix(tr(" samples"));
    m_samples->setAccessibleName(tr("Monte Carlo samples"));
    monteCarloRow->addWidget(m_monteCarlo);
    monteCarloRow->addWidget(m_samples);
    monteCarloRow->addStretch();
    form->addRow(m_reset, monteCarloRow);

    m_failure->setObjectName(QStringLiteral("failureDates"));
    m_failure->setWordWrap(true);
    m_failure->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding);
    m_worst->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding);
    m_failure->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_worst->setObjectName(QStringLiteral("worstComponent"));
    m_worst->setWordWrap(true);
    m_save->setObjectName(QStringLiteral("saveRun"));
    m_save->setEnabled(session->can(QStringLiteral("simulations.run")));
    if (!m_save->isEnabled())
        m_save->setToolTip(tr("Your role cannot run simulations on the server."));
    m_export->setObjectName(QStringLiteral("exportJson"));
    m_runs->setObjectName(QStringLiteral("savedRuns"));
    m_runs->setAccessibleName(tr("Saved runs"));
    m_runs->setMaximumHeight(90);
    m_progress->setRange(0, 0);
    m_progress->setMaximumWidth(120);
    m_status->setObjectName(QStringLiteral("ageingStatus"));
    m_status->setWordWrap(true);

    auto *results = new QVBoxLayout;
    results->addWidget(m_failure);
    results->addWidget(m_worst);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_save);
    buttons->addWidget(m_export);
    buttons->addStretch();
    results->addLayout(buttons);
    auto *runsLabel = new QLabel(tr("Sa&ved runs:"), this);
    runsLabel->setBuddy(m_runs);
    results->addWidget(runsLabel);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_runs, 1);
    auto *runButtons = new QVBoxLayout;
    runButtons->addWidget(m_open);
    runButtons->addWidget(m_delete);
    runButtons->addStretch();
    runRow->addLayout(runButtons);
    results->addLayout(runRow);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_progress);
    statusRow->addWidget(m_cancel);
    results->addLayout(statusRow);

    // The controls scroll when the panel is short, so that the scene above keeps its room.
    auto *controls = new QWidget;
    auto *left = new QVBoxLayout(controls);
    left->setContentsMargins(0, 0, 4, 0);
    left->addWidget(m_futureLabel);
    left->addWidget(conditions);
    left->addLayout(results);
    left->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(controls);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(controls->sizeHint().width() + 20);
    auto *body = new QHBoxLayout;
    body->addWidget(scroll, 2);
    body->addWidget(m_charts, 5);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(timeRow);
    layout->addLayout(body, 1);
    setIdle();

    connect(m_timeline, &QSlider::valueChanged, this, [this](int index) {
        if (!m_player->isActive())
            m_playYears = m_timeline->yearsAt(index);
        showTime(index);
    });
    auto *space = new QShortcut(QKeySequence(Qt::Key_Space), m_timeline, nullptr, nullptr, Qt::WidgetShortcut);
    connect(space, &QShortcut::activated, m_play, &QPushButton::click);
    connect(m_play, &QPushButton::clicked, this, [this] {
        if (m_player->isActive()) {
            m_player->stop();
            m_play->setText(tr("Play"));
            return;
        }
        if (m_timeline->value() >= m_timeline->maximum())
            m_timeline->setValue(0);
        m_playYears = m_timeline->yearsAt(m_timeline->value());
        m_player->start(40);
        m_play->setText(tr("Pause"));
    });
    connect(m_player, &QTimer::timeout, this, [this] {
        m_playYears += m_speed->currentData().toDouble() * 0.04;
        const int index = m_timeline->indexAt(m_playYears);
        if (index >= m_timeline->maximum() && m_playYears >= m_timeline->yearsAt(m_timeline->maximum())) {
            m_timeline->setValue(m_timeline->maximum());
            m_player->stop();
            m_play->setText(tr("Play"));
            return;
        }
        m_timeline->setValue(index);
    });

    // A slider and its number move together; either changes the future.
    connect(m_rpm, &QSlider::valueChanged, m_rpmValue, &QSpinBox::setValue);
    connect(m_rpmValue, &QSpinBox::valueChanged, m_rpm, &QSlider::setValue);
    connect(m_load, &QSlider::valueChanged, this, [this](int percent) {
        if (std::lround(m_loadValue->value() * 100) != percent)
            m_loadValue->setValue(percent / 100.0);
    });
    connect(m_loadValue, &QDoubleSpinBox::valueChanged, this, [this](double load) { m_load->setValue(int(std::lround(load * 100))); });
    connect(m_temperature, &QSlider::valueChanged, m_temperatureValue, &QSpinBox::setValue);
    connect(m_temperatureValue, &QSpinBox::valueChanged, m_temperature, &QSlider::setValue);
    connect(m_rpmValue, &QSpinBox::valueChanged, this, &AgeingPanel::futureChanged);
    connect(m_loadValue, &QDoubleSpinBox::valueChanged, this, &AgeingPanel::futureChanged);
    connect(m_temperatureValue, &QSpinBox::valueChanged, this, &AgeingPanel::futureChanged);
    connect(m_reset, &QPushButton::clicked, this, [this] {
        if (!m_server)
            return;
        AgeingRun::Future measured{AgeingRun::Future::Kind::AsMeasured, m_server->meanRpm(), m_server->meanLoad(),
                                   m_server->measuredTemperatureC()};
        setSliders(measured);
        m_asMeasured = true;
        if (m_server->future() == measured)
            showRun(*m_server, true);
        else
            recompute();
    });
    connect(m_computing, &QFutureWatcherBase::finished, this, [this] {
        if (m_computing->isCanceled()) {
            emit computing(false);
            return;
        }
        const AgeingRun computed = m_computing->result();
        if (m_computeAgain) {
            m_computeAgain = false;
            recompute();
        }
        // The future of what the sliders say now: shown at once, unless a newer one runs.
        if (computed.future() == sliderFuture())
            showRun(computed, false);
        if (!m_computing->isRunning())
            emit computing(false);
    });
    connect(m_monteCarlo, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            requestBands();
        else if (m_shown)
            showRun(m_shown->withFuture(m_shown->future()), false);
    });
    connect(m_save, &QPushButton::clicked, this, &AgeingPanel::saveRun);
    connect(m_export, &QPushButton::clicked, this, &AgeingPanel::exportJson);
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_runs->currentItem())
            openSavedRun(item->data(Qt::UserRole).toString());
    });
    connect(m_runs, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { openSavedRun(item->data(Qt::UserRole).toString()); });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (QListWidgetItem *item = m_runs->currentItem())
            deleteSavedRun(item->data(Qt::UserRole).toString());
    });
    connect(m_cancel, &QPushButton::clicked, this, &AgeingPanel::cancel);
}

AgeingPanel::~AgeingPanel()
{
    m_computing->cancel();
    m_computing->waitForFinished();
}

void AgeingPanel::setVersion(const QString &versionId)
{
    if (versionId == m_versionId)
        return;
    m_versionId = versionId;
    m_started = false;
    if (isVisible() && !m_versionId.isEmpty())
        start();
}

void AgeingPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_started && !m_versionId.isEmpty())
        start();
}

void AgeingPanel::start()
{
    m_started = true;
    QJsonObject body{{QStringLiteral("version_id"), m_versionId},
                     {QStringLiteral("horizon_years"), 5},
                     {QStringLiteral("step"), QStringLiteral("day")},
                     {QStringLiteral("store"), false}};
    request(body, false);
    loadVersions();
    reloadSavedRuns();
}

void AgeingPanel::cancel()
{
    delete m_request;
    m_request = nullptr;
    m_computing->cancel();
    setIdle(tr("Cancelled"));
}

void AgeingPanel::setBusy(const QString &message)
{
    m_status->setText(message);
    m_progress->setVisible(true);
    m_cancel->setVisible(true);
    emit busyChanged(true);
}

void AgeingPanel::setIdle(const QString &message)
{
    m_status->setText(message);
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
    emit busyChanged(false);
}

void AgeingPanel::request(const QJsonObject &body, bool keep)
{
    delete m_request;
    m_request = new QObject(this);
    setBusy(keep ? tr("Saving the run on the server…") : tr("Simulating on the server…"));
    QObject *context = m_request;
    m_session->client()->send(
        "POST", QStringLiteral("/twins/%1/simulations").arg(m_twinId), &body, context,
        [this, body, keep, context](const QJsonObject &answer, const ApiError *error) {
            m_request = nullptr;
            context->deleteLater();
            if (error) {
                // No measured history to start from: age under a constant duty instead.
                if (error->status == 400 && error->field == QLatin1String("profile") && !body.contains(QStringLiteral("profile"))) {
                    QJsonObject constant = body;
                    constant.insert(QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 1500},
                                                                           {QStringLiteral("load"), 0.8},
                                                                           {QStringLiteral("temperature_c"), 40}});
                    request(constant, keep);
                    return;
                }
                setIdle(error->describe());
                return;
            }
            auto run = AgeingRun::fromJson(answer);
            if (!run) {
                setIdle(tr("The server's run cannot be shown: %1").arg(run.error().message));
                return;
            }
            m_server = *run;
            setSliders(run->future());
            showRun(*run, true);
            if (keep) {
                setIdle(tr("Saved as run %1.").arg(answer.value(QStringLiteral("id")).toString().left(8)));
                reloadSavedRuns();
            } else {
                setIdle();
            }
        });
}

void AgeingPanel::showRun(const AgeingRun &run, bool fromServer)
{
    const bool newTimeline = !m_shown || m_shown->yearsAt() != run.yearsAt();
    m_shown = run;
    if (fromServer)
        m_server = run;
    if (newTimeline) {
        const QSignalBlocker blocker(m_timeline);
        m_timeline->setTimes(run.yearsAt(), run.startIndex());
        m_timeline->setValue(run.startIndex());
        m_playYears = 0;
        loadVersions();
        loadTickets();
    }
    if (m_selected.isEmpty() || run.indexOf(m_selected) < 0) {
        const int worst = run.worst();
        m_selected = worst >= 0 ? run.components().at(worst).name : run.components().first().name;
    }
    switch (run.future().kind) {
    case AgeingRun::Future::Kind::AsMeasured:
        m_futureLabel->setText(tr("Going on as measured on %1: %2 rpm, %3 × rated load, %4 °C on average.")
                                   .arg(run.nodeName())
                                   .arg(std::lround(run.meanRpm()))
                                   .arg(run.meanLoad(), 0, 'f', 2)
                                   .arg(std::lround(run.measuredTemperatureC())));
        break;
    case AgeingRun::Future::Kind::Scaled:
        m_futureLabel->setText(tr("The measured duty of %1 at another speed, load and temperature.").arg(run.nodeName()));
        break;
    case AgeingRun::Future::Kind::Constant:
        m_futureLabel->setText(run.isMeasured() ? tr("A steady speed, load and temperature.")
                                                : tr("A steady speed, load and temperature (no measured history)."));
        break;
    }
    m_reset->setEnabled(run.isMeasured());
    m_charts->showRun(run, run.indexOf(m_selected), run.worst());
    updateLabels();
    showTime(m_timeline->value());
    emit runShown();
}

void AgeingPanel::republish()
{
    m_asWasId.clear();
    showTime(m_timeline->value());
}

int AgeingPanel::shownIndex() const
{
    return m_timeline->value();
}

QColor AgeingPanel::damageColor(const QColor &grey, double damage)
{
    if (std::isnan(damage))
        return grey;
    static const QColor red(216, 30, 30);
    // The square root shows early damage: a tenth is already a third of the way to red.
    const double share = std::sqrt(std::clamp(damage, 0.0, 1.0));
    return QColor::fromRgbF(float(grey.redF() + (red.redF() - grey.redF()) * share),
                            float(grey.greenF() + (red.greenF() - grey.greenF()) * share),
                            float(grey.blueF() + (red.blueF() - grey.blueF()) * share));
}

void AgeingPanel::showTime(int index)
{
    if (!m_shown)
        return;
    const AgeingRun &run = *m_shown;
    const double years = m_timeline->yearsAt(index);
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(run.startMs() + qint64(years * kMsPerYear), Qt::UTC);
    m_when->setText(index == run.startIndex() ? tr("%1 (now)").arg(when.toString(QStringLiteral("yyyy-MM-dd")))
                                              : tr("%1 (%2%3 years)")
                                                    .arg(when.toString(QStringLiteral("yyyy-MM-dd")))
                                                    .arg(years > 0 ? QStringLiteral("+") : QString())
                                                    .arg(yearsText(years)));
    QHash<QString, QColor> colors;
    for (const AgeingRun::Component &component : run.components())
        colors.insert(component.name, damageColor(component.grey, component.damage[size_t(index)]));
    emit colorsChanged(colors);
    const int hottest = run.mostDamagedAt(index);
    emit hotspotChanged(hottest >= 0 ? run.components().at(hottest).name : QString(),
                        hottest >= 0 ? run.components().at(hottest).damage[size_t(index)] : 0.0);
    m_charts->setCursorYears(years);
    emitAsWas(index);
}

void AgeingPanel::updateLabels()
{
    const AgeingRun &run = *m_shown;
    const auto describe = [](const AgeingRun::Component &component) {
        const QString name = component.part.isEmpty() ? component.name
                                                      : QStringLiteral("%1 (%2)").arg(component.part, component.name);
        if (std::isnan(component.p50Years))
            return tr("<b>%1</b>, %2: no failure in sight").arg(name.toHtmlEscaped(), component.preset);
        return tr("<b>%1</b>, %2: median failure <b>%3</b> (%4 y), B10 %5 (%6 y)")
            .arg(name.toHtmlEscaped(), component.preset, dateOf(component.p50Date), yearsText(component.p50Years),
                 dateOf(component.b10Date), yearsText(component.b10Years));
    };
    const int selected = run.indexOf(m_selected);
    m_failure->setText(selected >= 0 ? tr("Selected: %1").arg(describe(run.components().at(selected))) : QString());
    const int worst = run.worst();
    m_worst->setText(worst < 0           ? tr("No component fails in the simulated future.")
                     : worst == selected ? tr("The selected component is the worst.")
                                         : tr("Worst: %1").arg(describe(run.components().at(worst))));
}

void AgeingPanel::selectComponent(const QString &name)
{
    if (name == m_selected || !m_shown || m_shown->indexOf(name) < 0)
        return;
    m_selected = name;
    m_charts->showRun(*m_shown, m_shown->indexOf(name), m_shown->worst());
    m_charts->setCursorYears(m_timeline->yearsAt(m_timeline->value()));
    updateLabels();
    emit componentSelected(name);
    if (m_monteCarlo->isChecked())
        requestBands();
}

AgeingRun::Future AgeingPanel::sliderFuture() const
{
    if (m_server && m_server->isMeasured() && m_asMeasured)
        return {AgeingRun::Future::Kind::AsMeasured, m_server->meanRpm(), m_server->meanLoad(),
                m_server->measuredTemperatureC()};
    AgeingRun::Future future;
    future.kind = m_server && m_server->isMeasured() ? AgeingRun::Future::Kind::Scaled : AgeingRun::Future::Kind::Constant;
    future.rpm = m_rpmValue->value();
    future.load = m_loadValue->value();
    future.temperatureC = m_temperatureValue->value();
    return future;
}

void AgeingPanel::setSliders(const AgeingRun::Future &future)
{
    m_asMeasured = future.kind == AgeingRun::Future::Kind::AsMeasured;
    m_settingSliders = true;
    m_rpmValue->setValue(int(std::lround(future.rpm)));
    m_loadValue->setValue(std::round(future.load * 100) / 100);
    m_temperatureValue->setValue(int(std::lround(future.temperatureC)));
    m_settingSliders = false;
}

void AgeingPanel::futureChanged()
{
    if (m_settingSliders || !m_server)
        return;
    m_asMeasured = false;
    recompute();
}

void AgeingPanel::recompute()
{
    if (!m_server)
        return;
    if (m_computing->isRunning()) {
        m_computeAgain = true;  // the newest slider values run when this one is done
        return;
    }
    const AgeingRun base = *m_server;
    const AgeingRun::Future future = sliderFuture();
    emit computing(true);
    m_computing->setFuture(QtConcurrent::run([base, future] { return base.withFuture(future); }));
}

QJsonObject AgeingPanel::runBody(const AgeingRun::Future &future) const
{
    const QJsonObject source = m_server->source();
    const QJsonObject inputs = source.value(QStringLiteral("inputs")).toObject();
    QJsonObject body{{QStringLiteral("version_id"), inputs.value(QStringLiteral("version_id"))},
                     {QStringLiteral("start"), inputs.value(QStringLiteral("start"))},
                     {QStringLiteral("horizon_years"), inputs.value(QStringLiteral("horizon_years"))},
                     {QStringLiteral("step"), inputs.value(QStringLiteral("step"))}};
    const QJsonObject stored = inputs.value(QStringLiteral("profile")).toObject();
    if (m_server->isMeasured()) {
        QJsonObject profile{{QStringLiteral("from_node"), stored.value(QStringLiteral("from_node"))},
                            {QStringLiteral("from"), stored.value(QStringLiteral("from"))},
                            {QStringLiteral("to"), stored.value(QStringLiteral("to"))},
                            {QStringLiteral("metric"), stored.value(QStringLiteral("metric"))}};
        body.remove(QStringLiteral("start"));  // a measured run starts where its history ends
        if (future.kind != AgeingRun::Future::Kind::AsMeasured)
            profile.insert(QStringLiteral("future"), future.toProfileJson());
        body.insert(QStringLiteral("profile"), profile);
    } else {
        body.insert(QStringLiteral("profile"), future.toProfileJson());
    }
    return body;
}

void AgeingPanel::saveRun()
{
    if (!m_shown || !m_server)
        return;
    QJsonObject body = runBody(m_shown->future());
    body.insert(QStringLiteral("store"), true);
    if (m_monteCarlo->isChecked())
        body.insert(QStringLiteral("monte_carlo"), QJsonObject{{QStringLiteral("samples"), m_samples->value()},
                                                               {QStringLiteral("seed"), 1}});
    request(body, true);
}

void AgeingPanel::requestBands()
{
    if (!m_shown || !m_server)
        return;
    QJsonObject body = runBody(m_shown->future());
    QJsonArray bands{m_selected};
    const int worst = m_shown->worst();
    if (worst >= 0 && m_shown->components().at(worst).name != m_selected)
        bands.append(m_shown->components().at(worst).name);
    body.insert(QStringLiteral("store"), false);
    body.insert(QStringLiteral("monte_carlo"), QJsonObject{{QStringLiteral("samples"), m_samples->value()},
                                                           {QStringLiteral("seed"), 1},
                                                           {QStringLiteral("bands"), bands}});
    request(body, false);
}

void AgeingPanel::exportJson()
{
    if (!m_shown)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the run"), QStringLiteral("ageing-run.json"),
                                                      tr("JSON files (*.json)"));
    if (!path.isEmpty() && !exportTo(path))
        QMessageBox::warning(this, tr("Not exported"), m_status->text());
}

bool AgeingPanel::exportTo(const QString &path)
{
    if (!m_shown)
        return false;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(QJsonDocument(m_shown->toJson()).toJson(QJsonDocument::Indented)) < 0 || !file.flush()) {
        setIdle(tr("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    setIdle(tr("Exported to %1.").arg(path));
    return true;
}

void AgeingPanel::reloadSavedRuns()
{
    m_session->client()->send("GET", QStringLiteral("/twins/%1/simulations?per_page=50").arg(m_twinId), nullptr, this,
                              [this](const QJsonObject &answer, const ApiError *error) {
                                  if (error)
                                      return;
                                  m_runs->clear();
                                  for (const QJsonValue &value : answer.value(QStringLiteral("items")).toArray()) {
                                      const QJsonObject run = value.toObject();
                                      const QJsonObject worst = run.value(QStringLiteral("worst")).toObject();
                                      const QString profile = run.value(QStringLiteral("profile")).toObject()
                                                                  .value(QStringLiteral("kind")).toString();
                                      auto *item = new QListWidgetItem(
                                          tr("%1 · %2 · %3 · worst: %4 %5")
                                              .arg(QDateTime::fromString(run.value(QStringLiteral("created_at")).toString(),
                                                                         Qt::ISODateWithMs)
                                                       .toLocalTime()
                                                       .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                                   run.value(QStringLiteral("created_by_name")).toString(), profile,
                                                   worst.value(QStringLiteral("component")).toString(),
                                                   dateOf(worst.value(QStringLiteral("p50_failure_date")).toString())),
                                          m_runs);
                                      item->setData(Qt::UserRole, run.value(QStringLiteral("id")).toString());
                                  }
                              });
}

void AgeingPanel::openSavedRun(const QString &id)
{
    delete m_request;
    m_request = new QObject(this);
    setBusy(tr("Opening the saved run…"));
    QObject *context = m_request;
    m_session->client()->send("GET", QStringLiteral("/simulations/") + id, nullptr, context,
                              [this, context](const QJsonObject &answer, const ApiError *error) {
                                  m_request = nullptr;
                                  context->deleteLater();
                                  if (error) {
                                      setIdle(error->describe());
                                      return;
                                  }
                                  auto run = AgeingRun::fromJson(answer);
                                  if (!run) {
                                      setIdle(run.error().message);
                                      return;
                                  }
                                  m_server = *run;
                                  setSliders(run->future());
                                  showRun(*run, true);
                                  setIdle(tr("Showing the run saved %1.")
                                              .arg(answer.value(QStringLiteral("created_at")).toString().left(16)));
                              });
}

void AgeingPanel::deleteSavedRun(const QString &id)
{
    m_session->client()->send("DELETE", QStringLiteral("/simulations/") + id, nullptr, this,
                              [this](const QJsonObject &, const ApiError *error) {
                                  if (error)
                                      setIdle(error->describe());
                                  reloadSavedRuns();
                              });
}

void AgeingPanel::loadVersions()
{
    m_session->client()->send(
        "GET", QStringLiteral("/twins/%1/versions?per_page=200").arg(m_twinId), nullptr, this,
        [this](const QJsonObject &answer, const ApiError *error) {
            if (error || !m_shown)
                return;
            m_versions.clear();
            QList<AgeingTimeline::Marker> markers;
            const std::vector<double> &years = m_shown->yearsAt();
            for (const QJsonValue &value : answer.value(QStringLiteral("items")).toArray()) {
                const QJsonObject object = value.toObject();
                Version version;
                version.id = object.value(QStringLiteral("id")).toString();
                version.number = object.value(QStringLiteral("number")).toInt();
                version.createdMs = QDateTime::fromString(object.value(QStringLiteral("created_at")).toString(),
                                                          Qt::ISODateWithMs)
                                        .toMSecsSinceEpoch();
                version.message = object.value(QStringLiteral("message")).toString();
                m_versions.append(version);
                const double at = double(version.createdMs - m_shown->startMs()) / kMsPerYear;
                if (at >= years.front() && at <= years.back())
                    markers.append({m_timeline->indexAt(at), tr("Version %1: %2").arg(version.number).arg(version.message)});
            }
            std::sort(m_versions.begin(), m_versions.end(),
                      [](const Version &a, const Version &b) { return a.createdMs < b.createdMs; });
            m_timeline->setMarkers(markers);
            emitAsWas(m_timeline->value());
        });
}

void AgeingPanel::loadTickets()
{
    m_session->client()->send(
        "GET", QStringLiteral("/maintenance/tickets?twin_id=%1&sort=opened_at&per_page=200").arg(m_twinId), nullptr, this,
        [this](const QJsonObject &answer, const ApiError *error) {
            if (error || !m_shown)
                return;  // e.g. a role without maintenance.view: no marks
            const std::vector<double> &years = m_shown->yearsAt();
            QList<QPair<int, AgeingTimeline::TicketMarker>> ranked;
            const QStringList severities{QStringLiteral("LOW"), QStringLiteral("MEDIUM"), QStringLiteral("HIGH"),
                                         QStringLiteral("CRITICAL")};
            for (const QJsonValue &value : answer.value(QStringLiteral("items")).toArray()) {
                const QJsonObject ticket = value.toObject();
                const QDateTime opened = QDateTime::fromString(ticket.value(QStringLiteral("opened_at")).toString(),
                                                               Qt::ISODateWithMs);
                if (!opened.isValid())
                    continue;
                const double at = double(opened.toMSecsSinceEpoch() - m_shown->startMs()) / kMsPerYear;
                if (years.empty() || at < years.front() || at > years.back())
                    continue;
                const QString severity = ticket.value(QStringLiteral("severity")).toString();
                ranked.append({int(severities.indexOf(severity)),
                               {m_timeline->indexAt(at), TicketModel::severityColor(severity),
                                tr("Ticket #%1 (%2, %3), opened %4: %5")
                                    .arg(ticket.value(QStringLiteral("number")).toInt())
                                    .arg(TicketModel::severityText(severity),
                                         TicketModel::statusText(ticket.value(QStringLiteral("status")).toString()),
                                         opened.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                         ticket.value(QStringLiteral("title")).toString())}});
            }
            // The worst drawn last, on top.
            std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
            QList<AgeingTimeline::TicketMarker> markers;
            for (const auto &entry : std::as_const(ranked))
                markers.append(entry.second);
            m_timeline->setTicketMarkers(markers);
        });
}

void AgeingPanel::emitAsWas(int index)
{
    if (!m_shown || m_versions.isEmpty())
        return;
    const qint64 atMs = m_shown->startMs() + qint64(m_timeline->yearsAt(index) * kMsPerYear);
    // The version current then; before the first one, the first (the twin existed before it
    // was recorded).
    qsizetype current = 0;
    for (qsizetype i = 0; i < m_versions.size(); ++i) {
        if (m_versions[i].createdMs <= atMs)
            current = i;
    }
    Version &version = m_versions[current];
    if (version.id == m_asWasId)
        return;
    m_asWasId = version.id;
    const QString when = QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    if (!version.details.isEmpty()) {
        emit asWas(version.details, when);
        return;
    }
    const QString id = version.id;
    m_session->client()->send("GET", QStringLiteral("/twins/%1/versions/%2").arg(m_twinId, id), nullptr, this,
                              [this, id, when](const QJsonObject &answer, const ApiError *error) {
                                  if (error)
                                      return;
                                  for (Version &known : m_versions) {
                                      if (known.id == id)
                                          known.details = answer;
                                  }
                                  if (m_asWasId == id)
                                      emit asWas(answer, when);
                              });
}

} // namespace Laces::App
