#include "edgeagent.h"

#include "telemetry/metricnames.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace Laces::Edge {

using Core::Error;
namespace Metrics = Core::TelemetryMetrics;

namespace {

constexpr int kFlushSamples = 5000;      // a batch commits at this size at the latest
constexpr int kLatencyRing = 100000;
constexpr qint64 kMinuteMs = 60000;

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

void log(const QString &message)
{
    std::fprintf(stderr, "laces-edge: %s\n", message.toLocal8Bit().constData());
    std::fflush(stderr);
}

const char *uplinkName(int state)
{
    static const char *names[] = {"starting", "online", "offline", "server_error", "unauthorized"};
    return names[state];
}

// The demo fleet's shape of a metric: its nominal value (about 70 % of a typical warning
// level), the slow swing around it and the noise.
struct Shape
{
    double nominal, swing, noise;
};

Shape shapeOf(const QString &metric)
{
    static const QHash<QString, Shape> shapes{
        {QStringLiteral("rpm"), {1480, 40, 5}},          {QStringLiteral("torque_nm"), {420, 60, 8}},
        {QStringLiteral("vibration_x_g"), {0.8, 0.1, 0.03}}, {QStringLiteral("vibration_y_g"), {0.7, 0.1, 0.03}},
        {QStringLiteral("vibration_z_g"), {0.5, 0.08, 0.02}}, {QStringLiteral("temperature_c"), {63, 3, 0.4}},
        {QStringLiteral("power_kw"), {55, 6, 0.8}},        {QStringLiteral("current_a"), {82, 8, 1}},
        {QStringLiteral("pressure_bar"), {4.2, 0.3, 0.05}}, {QStringLiteral("flow_lpm"), {120, 10, 1.5}},
        {QStringLiteral("voltage_v"), {400, 4, 1}},        {QStringLiteral("thermocouple_c"), {310, 12, 2}},
    };
    return shapes.value(metric, Shape{1, 0.1, 0.01});
}

} // namespace

EdgeAgent::EdgeAgent(EdgeConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_uploadRows(m_config.uploadRows), m_intervalS(m_config.batchS)
{
    m_nodeText = m_config.node.toString(QUuid::WithoutBraces).toLatin1();
    m_parser = LineParser(m_nodeText);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, [this] { flush(); });
    m_uploadTimer.setSingleShot(true);
    connect(&m_uploadTimer, &QTimer::timeout, this, &EdgeAgent::upload);
    m_pollTimer.setInterval(100);
    connect(&m_pollTimer, &QTimer::timeout, this, &EdgeAgent::pollFile);
    connect(&m_simulateTimer, &QTimer::timeout, this, &EdgeAgent::simulate);
    connect(&m_modelTimer, &QTimer::timeout, this, &EdgeAgent::fetchModel);
    m_ruleStates.resize(size_t(m_config.rules.size()));
    m_limitStates.resize(size_t(m_config.limits.size()));
    m_latenciesMs.reserve(1024);
}

EdgeAgent::~EdgeAgent() = default;

bool EdgeAgent::readKey()
{
    QFile file(m_config.keyFile);
    if (!file.open(QIODevice::ReadOnly)) {
        m_lastError = QStringLiteral("cannot read the key file %1: %2").arg(m_config.keyFile, file.errorString());
        return false;
    }
    const QByteArray key = file.readAll().trimmed();
    if (key.isEmpty() || key.contains('\n') || key.contains(' ')) {
        m_lastError = QStringLiteral("the key file %1 must hold the node's API key (lk_…) on one line").arg(m_config.keyFile);
        return false;
    }
    m_key = key;
    return true;
}

Core::Status EdgeAgent::start()
{
    if (!readKey())
        return Error::invalid(m_lastError, QStringLiteral("key-file"));
    if (auto ok = m_buffer.open(m_config.buffer); !ok)
        return ok;
    m_buffer.setLimit(qint64(m_config.maxBufferMb * 1024 * 1024), m_config.onFull == OnFull::DropOldest);
    auto epoch = m_buffer.startEpoch(nowMs() / 1000);
    if (!epoch)
        return epoch.error();
    (void)m_buffer.setMeta(QStringLiteral("agent_pid"), QString::number(QCoreApplication::applicationPid()));
    (void)m_buffer.setMeta(QStringLiteral("input"), m_config.input);
    (void)m_buffer.setMeta(QStringLiteral("uplink_state"), QStringLiteral("starting"));

    m_ssl = QSslConfiguration::defaultConfiguration();
    if (!m_config.caFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(m_config.caFile, QSsl::Pem);
        if (cas.isEmpty())
            return Error::invalid(QStringLiteral("--ca-file %1 holds no PEM certificate").arg(m_config.caFile), QStringLiteral("ca-file"));
        m_ssl.addCaCertificates(cas);
    }
    if (!m_config.certFile.isEmpty()) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(m_config.certFile, QSsl::Pem);
        QFile keyFile(m_config.keyFileTls);
        if (certs.isEmpty())
            return Error::invalid(QStringLiteral("--cert %1 holds no PEM certificate").arg(m_config.certFile), QStringLiteral("cert"));
        if (!keyFile.open(QIODevice::ReadOnly))
            return Error::invalid(QStringLiteral("cannot read --key %1: %2").arg(m_config.keyFileTls, keyFile.errorString()), QStringLiteral("key"));
        QSslKey key(&keyFile, QSsl::Rsa, QSsl::Pem);
        if (key.isNull()) {
            keyFile.seek(0);
            key = QSslKey(&keyFile, QSsl::Ec, QSsl::Pem);
        }
        if (key.isNull())
            return Error::invalid(QStringLiteral("--key %1 is not a PEM RSA or EC private key").arg(m_config.keyFileTls), QStringLiteral("key"));
        m_ssl.setLocalCertificate(certs.first());
        m_ssl.setPrivateKey(key);
    }

    const bool needOutput = !m_config.alertTopic.isEmpty()
                            || std::any_of(m_config.rules.cbegin(), m_config.rules.cend(),
                                           [](const ControlRule &r) { return r.action == ControlRule::Action::Mqtt; });
    if (needOutput) {
        m_mqttOutput = new MqttClient(m_config.mqttHost(), m_config.mqttPort(),
                                      QStringLiteral("laces-edge-%1-out-%2").arg(QString::fromLatin1(m_nodeText)).arg(QCoreApplication::applicationPid()),
                                      false, this);
        QString error;
        if (!m_mqttOutput->start(&error))
            return Error::unavailable(error);
    }
    if (m_config.model) {
        loadStoredModel();
        m_modelTimer.start(int(m_config.modelRefreshS * 1000));
        QTimer::singleShot(0, this, &EdgeAgent::fetchModel);
    }
    if (!m_config.metricsListen.isEmpty())
        serveMetrics();
    if (auto ok = startInput(); !ok)
        return ok;
    log(QStringLiteral("boot epoch %1, buffer %2 (%3 samples waiting), input %4, server %5")
            .arg(*epoch).arg(m_config.buffer).arg(m_buffer.depth()).arg(m_config.input, m_config.server.toString()));
    scheduleUpload(0);
    return Core::Ok{};
}

void EdgeAgent::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    flush();
    log(QStringLiteral("stopped; %1 samples wait in the buffer").arg(m_buffer.depth()));
    emit finished(0);
}

// ---------------------------------------------------------------------------------- input

Core::Status EdgeAgent::startInput()
{
    switch (m_config.inputKind()) {
    case InputKind::Stdin:
        m_stdin = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        connect(m_stdin.get(), &QSocketNotifier::activated, this, &EdgeAgent::readStdin);
        return Core::Ok{};
    case InputKind::File: {
        const QString path = m_config.inputPath();
        const auto saved = m_buffer.position(m_config.input);
        struct stat now{};
        bool resumed = false;
        if (saved && ::stat(QFile::encodeName(path).constData(), &now) == 0 && qint64(now.st_ino) == saved->inode
            && qint64(now.st_dev) == saved->device) {
            resumed = openFile(path, qint64(now.st_size) >= saved->offset ? saved->offset : 0);
        } else if (saved) {
            // Rotated while the agent was down: finish the old file first when logrotate's
            // name for it still holds it.
            const QString rotated = path + QStringLiteral(".1");
            struct stat old{};
            if (::stat(QFile::encodeName(rotated).constData(), &old) == 0 && qint64(old.st_ino) == saved->inode)
                resumed = openFile(rotated, saved->offset);
        }
        if (saved) {
            m_lineNumber = saved->line;
            if (resumed)
                log(QStringLiteral("resuming %1 at byte %2 (line %3)").arg(m_file.fileName()).arg(m_fileOffset).arg(m_lineNumber));
        }
        m_pollTimer.start();
        pollFile();
        return Core::Ok{};
    }
    case InputKind::Mqtt: {
        const QString clientId = m_config.mqttClientId.isEmpty() ? QStringLiteral("laces-edge-") + QString::fromLatin1(m_nodeText)
                                                                  : m_config.mqttClientId;
        m_mqttInput = new MqttClient(m_config.mqttHost(), m_config.mqttPort(), clientId, true, this);
        m_mqttInput->subscribe(m_config.mqttTopic());
        m_mqttInput->onMessage([this](const MqttClient::Message &message) { onMqttMessage(message); });
        QString error;
        if (!m_mqttInput->start(&error))
            return Error::unavailable(error);
        return Core::Ok{};
    }
    case InputKind::Simulate:
        m_simulateStartMs = nowMs();
        m_simulateTimer.start(std::clamp(int(1000 / m_config.simulateHz), 5, 1000));
        return Core::Ok{};
    }
    return Core::Ok{};
}

void EdgeAgent::readStdin()
{
    char chunk[65536];
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n > 0) {
        m_stdinPending.append(chunk, n);
        takeLines(m_stdinPending, false);
        return;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    takeLines(m_stdinPending, true);
    m_stdin->setEnabled(false);
    m_inputEnded = true;
    const bool committed = flush();
    log(QStringLiteral("the input ended after %1 lines%2").arg(m_lineNumber)
            .arg(committed ? QStringLiteral("; all committed") : QString()));
    checkDrained();
}

bool EdgeAgent::openFile(const QString &path, qint64 offset)
{
    m_file.close();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly))
        return false;
    struct stat info{};
    if (::fstat(m_file.handle(), &info) != 0) {
        m_file.close();
        return false;
    }
    m_fileDevice = qint64(info.st_dev);
    m_fileInode = qint64(info.st_ino);
    m_fileOffset = offset;
    m_filePending.clear();
    m_file.seek(offset);
    return true;
}

void EdgeAgent::pollFile()
{
    const QString path = m_config.inputPath();
    if (!m_file.isOpen()) {
        if (!openFile(path, 0))
            return;  // not there yet: tail -F waits for it
    }
    m_filePending += m_file.readAll();
    takeLines(m_filePending, false);
    struct stat now{};
    const bool exists = ::stat(QFile::encodeName(path).constData(), &now) == 0;
    if (!exists)
        return;
    if (qint64(now.st_ino) != m_fileInode || qint64(now.st_dev) != m_fileDevice) {
        // Rotated: the old file is read to its end (above), its last line even without a
        // newline, then the new one from its start.
        m_filePending += m_file.readAll();
        takeLines(m_filePending, true);
        if (openFile(path, 0)) {
            log(QStringLiteral("%1 was rotated; reading the new file").arg(path));
            m_pending.position = InputPosition{m_config.input, m_fileDevice, m_fileInode, 0, m_lineNumber};
            pollFile();
        }
    } else if (qint64(now.st_size) < m_fileOffset + m_filePending.size()) {
        log(QStringLiteral("%1 was truncated; reading it from its start").arg(path));
        if (openFile(path, 0))
            m_pending.position = InputPosition{m_config.input, m_fileDevice, m_fileInode, 0, m_lineNumber};
    }
}

void EdgeAgent::takeLines(QByteArray &pending, bool flushPartial)
{
    const bool file = m_config.inputKind() == InputKind::File;
    qsizetype start = 0;
    while (true) {
        const qsizetype newline = pending.indexOf('\n', start);
        if (newline < 0)
            break;
        // The position moves before the sample is taken: a commit inside accept() (every
        // 5,000 samples) then records exactly the lines it holds.
        if (file) {
            m_fileOffset += newline + 1 - start;
            m_pending.position = InputPosition{m_config.input, m_fileDevice, m_fileInode, m_fileOffset, m_lineNumber + 1};
        }
        takeLine(QByteArrayView(pending).sliced(start, newline - start));
        start = newline + 1;
    }
    if (flushPartial && start < pending.size()) {
        takeLine(QByteArrayView(pending).sliced(start));
        if (file)
            m_fileOffset += pending.size() - start;
        start = pending.size();
    }
    if (start > 0) {
        pending.remove(0, start);
        if (file)
            m_pending.position = InputPosition{m_config.input, m_fileDevice, m_fileInode, m_fileOffset, m_lineNumber};
        scheduleFlush();
    }
}

void EdgeAgent::takeLine(QByteArrayView line)
{
    ++m_lineNumber;
    const qint64 arrival = steadyNs();
    auto parsed = m_parser.parse(line, nowMs());
    if (!parsed) {
        badLine(QStringLiteral("line %1").arg(m_lineNumber), parsed.error().message);
        return;
    }
    if (!parsed->has_value())
        return;
    Sample sample = std::move(**parsed);
    sample.arrivalNs = arrival;
    accept(std::move(sample));
}

void EdgeAgent::badLine(const QString &where, const QString &reason)
{
    ++m_pending.badLines;
    // Logged as they come, but a flood of them is summarised.
    static qint64 logged = 0;
    if (++logged <= 1000 || logged % 10000 == 0)
        log(QStringLiteral("input %1 skipped: %2").arg(where, reason));
    scheduleFlush();
}

void EdgeAgent::simulate()
{
    const qint64 now = nowMs();
    const qint64 due = qint64(double(now - m_simulateStartMs) * m_config.simulateHz / 1000.0) + 1;
    std::normal_distribution<double> noise(0, 1);
    for (; m_simulated < due; ++m_simulated) {
        Sample sample;
        sample.timeMs = m_simulateStartMs + qint64(double(m_simulated) * 1000.0 / m_config.simulateHz);
        sample.arrivalNs = steadyNs();
        const double hours = double(sample.timeMs - m_simulateStartMs) / 3600000.0;
        for (const QString &name : std::as_const(m_config.simulateMetrics)) {
            const Shape shape = shapeOf(name);
            double value = shape.nominal + shape.swing * std::sin(2 * M_PI * double(sample.timeMs % 600000) / 600000.0)
                           + shape.noise * noise(m_random);
            if (name.endsWith(QLatin1String("_c")))
                value += m_config.simulateWarmingPerH * hours;
            sample.values.append({Metrics::indexOf(name), value});
        }
        std::sort(sample.values.begin(), sample.values.end());
        accept(std::move(sample));
    }
}

void EdgeAgent::onMqttMessage(const MqttClient::Message &message)
{
    const qint64 arrival = steadyNs();
    ++m_lineNumber;
    // A message the broker sends again (the agent died before its PUBACK) has the same
    // packet id, topic and payload: it is recognised and acknowledged without a second copy.
    QByteArray id;
    if (message.qos > 0) {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        const quint32 mid = quint32(message.mid);
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&mid), sizeof mid));
        hash.addData(message.topic);
        hash.addData(QByteArrayView("\0", 1));
        hash.addData(message.payload);
        id = hash.result().left(16);
        if (m_buffer.mqttSeen(id))
            return;
    }
    const QString where = QStringLiteral("MQTT message %1 on %2").arg(m_lineNumber).arg(QString::fromUtf8(message.topic));
    if (m_config.mqttPayload == QLatin1String("value")) {
        const QString metricName = !m_config.mqttMetric.isEmpty() ? m_config.mqttMetric
                                                                   : QString::fromUtf8(message.topic.mid(message.topic.lastIndexOf('/') + 1));
        const int metric = Metrics::indexOf(metricName);
        bool ok = false;
        const double value = message.payload.trimmed().toDouble(&ok);
        if (metric < 0)
            badLine(where, QStringLiteral("unknown metric '%1' (the topic's last level names it); known: %2").arg(metricName, Metrics::names()));
        else if (!ok || !std::isfinite(value))
            badLine(where, QStringLiteral("the payload '%1' is not a number").arg(QString::fromUtf8(message.payload.left(64))));
        else
            accept(Sample{nowMs(), {{metric, value}}, arrival});
    } else {
        auto sample = m_parser.parseJson(message.payload, nowMs());
        if (!sample) {
            badLine(where, sample.error().message);
        } else {
            sample->arrivalNs = arrival;
            accept(std::move(*sample));
        }
    }
    if (!id.isEmpty())
        m_pending.mqttIds.append(id);
    // The PUBACK goes out when this returns: the sample must be on the disk first.
    if (!flush()) {
        log(QStringLiteral("cannot commit an MQTT message; exiting without acknowledging it, so the broker keeps it"));
        std::fflush(stderr);
        ::_exit(3);
    }
}

void EdgeAgent::accept(Sample sample)
{
    ++m_samplesReceived;
    evaluate(sample);
    m_pending.samples.append(std::move(sample));
    if (m_pending.samples.size() >= kFlushSamples)
        flush();
    else
        scheduleFlush();
}

// --------------------------------------------------------------------------------- buffer

void EdgeAgent::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start(int(m_config.flushMs));
}

bool EdgeAgent::flush()
{
    m_flushTimer.stop();
    if (m_pending.samples.isEmpty() && m_pending.events.isEmpty() && !m_pending.position && m_pending.badLines == 0
        && m_pending.mqttIds.isEmpty())
        return true;
    QElapsedTimer timer;
    timer.start();
    auto outcome = m_buffer.append(m_pending);
    if (!outcome) {
        // Nothing of it was committed, so nothing was acknowledged: keep it and try again.
        log(QStringLiteral("cannot commit %1 samples: %2").arg(m_pending.samples.size()).arg(outcome.error().message));
        m_lastError = outcome.error().message;
        m_flushTimer.start(1000);
        return false;
    }
    m_commitSeconds += double(timer.nsecsElapsed()) / 1e9;
    ++m_commitCount;
    if (outcome->droppedOldest > 0 || outcome->rejectedNew > 0) {
        static qint64 warned = 0;
        if (warned++ % 100 == 0)
            log(QStringLiteral("the buffer is full (%1 MB): %2 (%3 dropped so far)")
                    .arg(m_config.maxBufferMb)
                    .arg(outcome->droppedOldest > 0 ? QStringLiteral("the oldest samples make room")
                                                    : QStringLiteral("new samples are refused"))
                    .arg(m_buffer.dropped()));
    }
    m_pending = EdgeBuffer::Append();
    if (m_buffer.depth() >= m_uploadRows && !m_uploadInFlight && m_uplink == Uplink::Online && m_failures == 0
        && m_uploadTimer.remainingTime() > 50)
        scheduleUpload(0);
    return true;
}

// --------------------------------------------------------------------- local intelligence

static std::optional<double> valueOf(const Sample &sample, int metric)
{
    for (const auto &[m, v] : sample.values) {
        if (m == metric)
            return v;
    }
    return std::nullopt;
}

// One sample's value against a condition: true when the condition has now held for its
// count of samples and was not firing yet (it fires once, and again only after clearing).
static bool fires(const Condition &condition, double value, int *run, bool *firing)
{
    if (!(condition.above ? value > condition.limit : value < condition.limit)) {
        *run = 0;
        *firing = false;
        return false;
    }
    if (++*run < condition.count || *firing)
        return false;
    *firing = true;
    return true;
}

void EdgeAgent::evaluate(const Sample &sample)
{
    for (int i = 0; i < m_config.rules.size(); ++i) {
        const ControlRule &rule = m_config.rules.at(i);
        const auto value = valueOf(sample, rule.condition.metric);
        if (!value)
            continue;
        ConditionState &state = m_ruleStates[size_t(i)];
        if (fires(rule.condition, *value, &state.run, &state.firing))
            issue(rule, sample, *value);
    }
    for (int i = 0; i < m_config.limits.size(); ++i) {
        const Condition &limit = m_config.limits.at(i);
        const auto value = valueOf(sample, limit.metric);
        if (!value)
            continue;
        ConditionState &state = m_limitStates[size_t(i)];
        if (!fires(limit, *value, &state.run, &state.firing))
            continue;
        const QString message = QStringLiteral("%1 = %2 is %3 its limit %4")
                                    .arg(limit.metricName()).arg(*value)
                                    .arg(limit.above ? QStringLiteral("above") : QStringLiteral("below"))
                                    .arg(limit.limit);
        localAlert(QStringLiteral("limit"), message,
                   {{QStringLiteral("kind"), QStringLiteral("limit")},
                    {QStringLiteral("window"),
                     QJsonObject{{QStringLiteral("from"), QString::fromLatin1(formatTimeMs(sample.timeMs - 15 * kMinuteMs))},
                                 {QStringLiteral("to"), QString::fromLatin1(formatTimeMs(sample.timeMs))}}},
                    {QStringLiteral("metric"), limit.metricName()},
                    {QStringLiteral("value"), *value},
                    {QStringLiteral("limit"), limit.limit},
                    {QStringLiteral("direction"), limit.above ? QStringLiteral("above") : QStringLiteral("below")},
                    {QStringLiteral("message"), message}},
                   sample.timeMs);
    }
    if (m_stream) {
        const qint64 minute = sample.timeMs - sample.timeMs % kMinuteMs;
        if (minute > m_minuteMs) {
            if (m_minuteMs >= 0)
                scoreMinute();
            m_minuteMs = minute;
            std::fill(m_minuteSums.begin(), m_minuteSums.end(), 0.0);
            std::fill(m_minuteCounts.begin(), m_minuteCounts.end(), 0);
        }
        if (minute == m_minuteMs) {
            for (int f = 0; f < m_featureMetrics.size(); ++f) {
                if (const auto value = valueOf(sample, m_featureMetrics.at(f))) {
                    m_minuteSums[size_t(f)] += *value;
                    ++m_minuteCounts[size_t(f)];
                }
            }
        }
    }
}

void EdgeAgent::scoreMinute()
{
    // The model was trained on minute means (as the server's agent scores), so the edge
    // scores each finished minute the same way.
    std::vector<double> row(m_featureMetrics.size());
    for (size_t f = 0; f < row.size(); ++f) {
        if (m_minuteCounts[f] == 0)
            return;  // a feature missing in this minute: not scored
        row[f] = m_minuteSums[f] / m_minuteCounts[f];
    }
    const Core::Anomaly::AnomalyScore score = m_stream->push(row.data());
    m_lastScore = score.score;
    if (score.anomaly && !m_anomalyFiring) {
        m_anomalyFiring = true;
        const QString driver = score.drivers.isEmpty() ? QString() : score.drivers.first().feature;
        const QString message = QStringLiteral("anomaly score %1 reached the model's threshold %2 (mostly %3)")
                                    .arg(score.score, 0, 'g', 3).arg(m_detector->threshold(), 0, 'g', 3).arg(driver);
        QJsonObject event{{QStringLiteral("kind"), QStringLiteral("anomaly")},
                          {QStringLiteral("score"), score.score},
                          {QStringLiteral("threshold"), m_detector->threshold()},
                          {QStringLiteral("message"), message}};
        if (Metrics::indexOf(driver) >= 0)
            event.insert(QStringLiteral("metric"), driver);
        QJsonArray drivers;
        for (const auto &contribution : score.drivers) {
            if (drivers.size() < 3 && Metrics::indexOf(contribution.feature) >= 0)
                drivers.append(QJsonObject{{QStringLiteral("metric"), contribution.feature},
                                           {QStringLiteral("share"), std::round(contribution.share * 1000) / 1000}});
        }
        event.insert(QStringLiteral("drivers"), drivers);
        // The quarter hour before the anomalous minute, to chart with the ticket.
        event.insert(QStringLiteral("window"),
                     QJsonObject{{QStringLiteral("from"), QString::fromLatin1(formatTimeMs(m_minuteMs - 14 * kMinuteMs))},
                                 {QStringLiteral("to"), QString::fromLatin1(formatTimeMs(m_minuteMs + kMinuteMs))}});
        localAlert(QStringLiteral("anomaly"), message, event, m_minuteMs + kMinuteMs - 1);
    } else if (!score.anomaly) {
        m_anomalyFiring = false;
    }
}

void EdgeAgent::localAlert(const QString &kind, const QString &message, const QJsonObject &event, qint64 timeMs)
{
    ++m_localAlerts;
    log(QStringLiteral("ALERT (%1) at %2: %3").arg(kind, QString::fromLatin1(formatTimeMs(timeMs)), message));
    (void)m_buffer.setMeta(QStringLiteral("local_alert"), QString::fromLatin1(formatTimeMs(timeMs)) + QLatin1Char(' ') + message);
    if (!m_config.alertCommand.isEmpty()) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LACES_ALERT_KIND"), kind);
        environment.insert(QStringLiteral("LACES_ALERT_MESSAGE"), message);
        environment.insert(QStringLiteral("LACES_ALERT_TIME"), QString::fromLatin1(formatTimeMs(timeMs)));
        process.setProcessEnvironment(environment);
        process.setProgram(QStringLiteral("/bin/sh"));
        process.setArguments({QStringLiteral("-c"), m_config.alertCommand});
        if (!process.startDetached())
            log(QStringLiteral("the alert command could not start: %1").arg(process.errorString()));
    }
    if (!m_config.alertTopic.isEmpty() && m_mqttOutput) {
        QJsonObject body = event;
        body.insert(QStringLiteral("time"), QString::fromLatin1(formatTimeMs(timeMs)));
        body.insert(QStringLiteral("node_id"), QString::fromLatin1(m_nodeText));
        QString error;
        if (!m_mqttOutput->publish(m_config.alertTopic, QJsonDocument(body).toJson(QJsonDocument::Compact), &error))
            log(QStringLiteral("the alert could not go to %1: %2").arg(m_config.alertTopic, error));
    }
    const bool offline = m_uplink != Uplink::Online;
    if (m_config.events == EventPolicy::Always || (m_config.events == EventPolicy::Offline && offline)) {
        m_pending.events.append(PendingEvent{timeMs, event});
        scheduleFlush();
    }
}

void EdgeAgent::issue(const ControlRule &rule, const Sample &sample, double value)
{
    QString error;
    bool issued = false;
    if (rule.action == ControlRule::Action::Mqtt) {
        QByteArray payload = rule.payload;
        if (payload.isEmpty())
            payload = QJsonDocument(QJsonObject{{QStringLiteral("rule"), rule.text},
                                                {QStringLiteral("metric"), rule.condition.metricName()},
                                                {QStringLiteral("value"), value},
                                                {QStringLiteral("time"), QString::fromLatin1(formatTimeMs(sample.timeMs))},
                                                {QStringLiteral("node_id"), QString::fromLatin1(m_nodeText)}})
                          .toJson(QJsonDocument::Compact);
        issued = m_mqttOutput && m_mqttOutput->publish(rule.topic, payload, &error);
    } else {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LACES_RULE"), rule.text);
        environment.insert(QStringLiteral("LACES_METRIC"), rule.condition.metricName());
        environment.insert(QStringLiteral("LACES_VALUE"), QString::number(value, 'g', 17));
        process.setProcessEnvironment(environment);
        process.setProgram(rule.command.first());
        process.setArguments(rule.command.mid(1));
        issued = process.startDetached();
        if (!issued)
            error = process.errorString();
    }
    const double latencyMs = double(steadyNs() - sample.arrivalNs) / 1e6;
    if (!issued) {
        log(QStringLiteral("rule '%1' fired but its command failed: %2").arg(rule.text, error));
        return;
    }
    ++m_commandsIssued;
    if (m_latenciesMs.size() < size_t(kLatencyRing))
        m_latenciesMs.push_back(latencyMs);
    else
        m_latenciesMs[size_t(m_latencyCount % kLatencyRing)] = latencyMs;
    ++m_latencyCount;
    static qint64 logged = 0;
    if (++logged <= 100 || logged % 1000 == 0)
        log(QStringLiteral("rule '%1' fired at %2 = %3: command issued %4 ms after the sample arrived")
                .arg(rule.text, rule.condition.metricName()).arg(value).arg(latencyMs, 0, 'f', 3));
}

void EdgeAgent::loadStoredModel()
{
    const auto stored = m_buffer.model();
    if (!stored)
        return;
    auto detector = Core::Anomaly::deserializeDetector(stored->bytes);
    if (!detector) {
        log(QStringLiteral("the stored anomaly model is unreadable (%1); waiting for the server's").arg(detector.error().message));
        return;
    }
    QList<int> features;
    for (const QString &name : (*detector)->featureNames())
        features.append(Metrics::indexOf(name));
    if (features.contains(-1)) {
        log(QStringLiteral("the stored anomaly model scores features that are not metrics; not used"));
        return;
    }
    m_detector = std::move(*detector);
    m_stream = std::make_unique<Core::Anomaly::AnomalyStream>(m_detector);
    m_featureMetrics = features;
    m_minuteSums.assign(size_t(features.size()), 0.0);
    m_minuteCounts.assign(size_t(features.size()), 0);
    m_minuteMs = -1;
    m_anomalyFiring = false;
    m_modelEtag = stored->etag;
    log(QStringLiteral("anomaly model %1 (%2, %3 features, threshold %4)")
            .arg(QString::fromLatin1(m_modelEtag), m_detector->kind()).arg(features.size()).arg(m_detector->threshold()));
}

void EdgeAgent::fetchModel()
{
    if (m_modelInFlight)
        return;
    m_modelInFlight = true;
    QNetworkRequest request = this->request(QStringLiteral("/nodes/%1/anomaly-model/file").arg(QString::fromLatin1(m_nodeText)));
    if (!m_modelEtag.isEmpty())
        request.setRawHeader("If-None-Match", m_modelEtag);
    QNetworkReply *reply = m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_modelInFlight = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 304)
            return;
        if (status == 200) {
            auto detector = Core::Anomaly::deserializeDetector(body);
            if (!detector) {
                log(QStringLiteral("the server's anomaly model could not be read (%1); keeping the last good one")
                        .arg(detector.error().message));
                return;
            }
            EdgeBuffer::Model model{reply->rawHeader("ETag"), reply->rawHeader("X-Laces-Model-Kind"), body, nowMs()};
            if (auto saved = m_buffer.saveModel(model); !saved) {
                log(saved.error().message);
                return;
            }
            loadStoredModel();
            return;
        }
        if (status == 404) {
            if (m_stream) {
                log(QStringLiteral("the server has no anomaly model for this node any more; scoring stops"));
                (void)m_buffer.dropModel();
                m_stream.reset();
                m_detector.reset();
                m_modelEtag.clear();
            }
            return;
        }
        log(QStringLiteral("the anomaly model could not be fetched (%1); %2")
                .arg(status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString(),
                     m_stream ? QStringLiteral("keeping the last good one") : QStringLiteral("no model yet")));
    });
}

// --------------------------------------------------------------------------------- uplink

QNetworkRequest EdgeAgent::request(const QString &path) const
{
    QUrl url = m_config.server;
    url.setPath(url.path().remove(QRegularExpression(QStringLiteral("/+$"))) + path);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_key);
    request.setRawHeader("User-Agent", "laces-edge/" LACES_VERSION);
    request.setSslConfiguration(m_ssl);
    request.setTransferTimeout(60000);
    return request;
}

void EdgeAgent::scheduleUpload(double delayS)
{
    m_uploadTimer.start(int(std::max(0.0, delayS) * 1000));
}

double EdgeAgent::backoffS(int retryAfterS)
{
    // Exponential from 1 s, capped at --max-batch-s, with "equal jitter" so a fleet that lost
    // its link together does not come back together.
    const double base = std::min(m_config.maxBatchS, std::pow(2.0, std::min(m_failures - 1, 20)));
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return std::max(base * jitter(m_random), double(retryAfterS));
}

void EdgeAgent::setUplink(Uplink state, const QString &error)
{
    if (!error.isEmpty() && error != m_lastError) {
        m_lastError = error;
        (void)m_buffer.setMeta(QStringLiteral("last_error"), QString::fromLatin1(formatTimeMs(nowMs())) + QLatin1Char(' ') + error);
    }
    if (state == m_uplink)
        return;
    if (state == Uplink::Online)
        log(QStringLiteral("uplink to %1 online").arg(m_config.server.toString()));
    else
        log(QStringLiteral("uplink %1: %2").arg(QString::fromLatin1(uplinkName(int(state))), error));
    m_uplink = state;
    (void)m_buffer.setMeta(QStringLiteral("uplink_state"), QString::fromLatin1(uplinkName(int(state))));
}

void EdgeAgent::upload()
{
    if (m_uploadInFlight || m_stopping)
        return;
    flush();
    const int rows = m_bisectRows > 0 ? m_bisectRows : m_uploadRows;
    auto batch = m_buffer.nextBatch(rows);
    if (!batch) {
        log(batch.error().message);
        scheduleUpload(m_config.batchS);
        return;
    }
    if (batch->size() == 0) {
        if (m_buffer.eventsPending() > 0)
            uploadEvents();
        checkDrained();
        scheduleUpload(m_intervalS);
        return;
    }
    if (m_uplink == Uplink::Unauthorized)
        readKey();  // an operator may have put a new key in place
    // CSV in the server's convention: one column per metric the batch carries.
    QList<bool> used(Metrics::count(), false);
    QList<QList<QPair<int, double>>> values(batch->size());
    for (int i = 0; i < batch->size(); ++i) {
        decodeValues(batch->values.at(i), &values[i]);
        for (const auto &[metric, value] : std::as_const(values[i]))
            used[metric] = true;
    }
    QList<int> columns;
    QByteArray csv = "node_id,time,seq";
    for (int metric = 0; metric < Metrics::count(); ++metric) {
        if (used.at(metric)) {
            columns.append(metric);
            csv += ',';
            csv += Metrics::all().at(metric).name;
        }
    }
    csv += '\n';
    csv.reserve(csv.size() + qsizetype(batch->size()) * (60 + 12 * columns.size()));
    QList<int> columnOf(Metrics::count(), -1);
    for (int c = 0; c < columns.size(); ++c)
        columnOf[columns.at(c)] = c;
    QList<QByteArray> cells(columns.size());
    for (int i = 0; i < batch->size(); ++i) {
        csv += m_nodeText;
        csv += ',';
        csv += QByteArray::number(batch->timesMs.at(i));
        csv += ',';
        csv += QByteArray::number(batch->seqs.at(i));
        for (QByteArray &cell : cells)
            cell.clear();
        // The shortest text that reads back as the same double, as the buffer keeps it.
        char text[40];
        for (const auto &[metric, value] : std::as_const(values[i])) {
            const auto written = std::to_chars(text, text + sizeof text, value);
            cells[columnOf.at(metric)] = QByteArray(text, written.ptr - text);
        }
        for (const QByteArray &cell : std::as_const(cells)) {
            csv += ',';
            csv += cell;
        }
        csv += '\n';
    }
    QNetworkRequest request = this->request(QStringLiteral("/telemetry/batch"));
    QUrl url = request.url();
    url.setQuery(QStringLiteral("boot_epoch=%1").arg(batch->epoch));
    request.setUrl(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/csv"));
    m_uploadInFlight = true;
    const qint64 started = nowMs();
    QNetworkReply *reply = m_network.post(request, csv);
    const EdgeBuffer::Batch sent = *batch;
    connect(reply, &QNetworkReply::finished, this, [this, reply, sent, started] { uploaded(reply, sent, started); });
}

void EdgeAgent::uploaded(QNetworkReply *reply, const EdgeBuffer::Batch &batch, qint64 startedMs)
{
    reply->deleteLater();
    m_uploadInFlight = false;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const QJsonObject error = json.value(QStringLiteral("error")).toObject();
    const QString message = error.value(QStringLiteral("message")).toString(QString::fromUtf8(body.left(200)));
    const int retryAfter = reply->rawHeader("Retry-After").toInt();
    const double tookS = double(nowMs() - startedMs) / 1000.0;
    if (m_stopping)
        return;

    if (status == 200) {
        const qint64 acked = qint64(json.value(QStringLiteral("acked")).toObject().value(QString::fromLatin1(m_nodeText)).toDouble());
        const qint64 stored = qint64(json.value(QStringLiteral("stored")).toDouble());
        const qint64 duplicates = qint64(json.value(QStringLiteral("duplicates")).toDouble());
        if (stored + duplicates != batch.size()) {
            // Not what a server that stored the batch answers: keep the samples and retry.
            ++m_failures;
            ++m_uploadFailures;
            setUplink(Uplink::ServerError, QStringLiteral("the server answered %1 stored and %2 duplicates for a batch of %3")
                                              .arg(stored).arg(duplicates).arg(batch.size()));
            scheduleUpload(backoffS(retryAfter));
            return;
        }
        if (auto ok = m_buffer.delivered(batch, batch.size(), acked); !ok) {
            log(ok.error().message);
            scheduleUpload(1);
            return;
        }
        m_uploadedSamples += stored;
        m_duplicatesAcked += duplicates;
        m_failures = 0;
        if (m_bisectRows > 0)
            m_bisectRows = 0;
        setUplink(Uplink::Online);
        // For status; at most once a second (each is a commit of its own).
        if (nowMs() - m_lastUploadNotedMs >= 1000) {
            m_lastUploadNotedMs = nowMs();
            (void)m_buffer.setMeta(QStringLiteral("last_upload_at"), QString::fromLatin1(formatTimeMs(m_lastUploadNotedMs)));
        }
        // A slow uplink: fewer, larger uploads, up to --max-batch-s apart.
        m_intervalS = tookS > m_config.batchS / 2 ? std::min(m_config.maxBatchS, m_intervalS * 2) : m_config.batchS;
        if (m_buffer.eventsPending() > 0)
            uploadEvents();
        if (m_buffer.depth() >= m_uploadRows || (m_buffer.depth() > 0 && batch.size() == m_uploadRows))
            scheduleUpload(0);  // a backlog drains back to back
        else
            scheduleUpload(m_intervalS);
        checkDrained();
        return;
    }

    const QString reason = status ? QStringLiteral("HTTP %1: %2").arg(status).arg(message) : reply->errorString();
    // Only the server's own refusal of a sample (400/422 naming a line's value) is final; any
    // other 4xx (a proxy's 404, a deleted node) keeps the samples and backs off.
    const QString errorField = error.value(QStringLiteral("field")).toString();
    const bool refusedForGood = (status == 400 || status == 422) && !errorField.endsWith(QLatin1String(".node_id"))
                                && (errorField.startsWith(QLatin1String("line ")) || errorField.isEmpty());
    if (refusedForGood) {
        // The server refuses a sample: the one its error names, else the batch is halved
        // until the refused sample is alone.
        static const QRegularExpression line(QStringLiteral("^line (\\d+)"));
        const auto match = line.match(error.value(QStringLiteral("field")).toString());
        const int index = match.hasMatch() ? match.captured(1).toInt() - 2 : -1;
        if (index >= 0 && index < batch.size()) {
            log(QStringLiteral("the server refused sample %1/%2 (%3): %4").arg(batch.epoch).arg(batch.seqs.at(index))
                    .arg(QString::fromLatin1(formatTimeMs(batch.timesMs.at(index))), message));
            if (auto ok = m_buffer.reject(batch, index, message); !ok)
                log(ok.error().message);
        } else if (batch.size() > 1) {
            m_bisectRows = std::max(1, batch.size() / 2);
        } else {
            log(QStringLiteral("the server refused sample %1/%2: %3").arg(batch.epoch).arg(batch.seqs.first()).arg(message));
            if (auto ok = m_buffer.reject(batch, 0, message); !ok)
                log(ok.error().message);
            m_bisectRows = 0;
        }
        scheduleUpload(0);
        return;
    }
    if (status == 413) {
        m_uploadRows = std::max(1, m_uploadRows / 2);
        log(QStringLiteral("the server found a batch too large; uploading %1 samples at a time").arg(m_uploadRows));
        scheduleUpload(0);
        return;
    }
    ++m_failures;
    ++m_uploadFailures;
    if (status == 401 || status == 403)
        setUplink(Uplink::Unauthorized, QStringLiteral("the server refused the node's API key (%1); samples stay in the buffer").arg(reason));
    else if (status >= 500 || status == 429 || status == 408)
        setUplink(Uplink::ServerError, reason);
    else
        setUplink(Uplink::Offline, reason);
    scheduleUpload(backoffS(retryAfter));
}

void EdgeAgent::uploadEvents()
{
    if (m_eventsInFlight)
        return;
    auto events = m_buffer.nextEvents(EdgeBuffer::kMaxEventsPerUpload);
    if (!events || events->isEmpty())
        return;
    QJsonArray list;
    for (const EdgeBuffer::EventRow &event : std::as_const(*events)) {
        QJsonObject body = event.body;
        body.insert(QStringLiteral("seq"), double(event.seq));
        list.append(body);
    }
    QNetworkRequest request = this->request(QStringLiteral("/nodes/%1/events").arg(QString::fromLatin1(m_nodeText)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    m_eventsInFlight = true;
    QNetworkReply *reply = m_network.post(request, QJsonDocument(QJsonObject{{QStringLiteral("boot_epoch"), double(events->first().epoch)},
                                                                             {QStringLiteral("events"), list}})
                                                       .toJson(QJsonDocument::Compact));
    const QList<EdgeBuffer::EventRow> sent = *events;
    connect(reply, &QNetworkReply::finished, this, [this, reply, sent] {
        reply->deleteLater();
        m_eventsInFlight = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 200) {
            (void)m_buffer.eventsDelivered(sent);
            log(QStringLiteral("%1 local alerts reached the server (tickets %2)")
                    .arg(sent.size())
                    .arg(json.value(QStringLiteral("tickets")).toVariant().toStringList().join(QStringLiteral(", "))));
            if (m_buffer.eventsPending() > 0)
                uploadEvents();
            checkDrained();
        } else if (status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 429) {
            const QString reason = json.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
            log(QStringLiteral("the server refused %1 events: %2").arg(sent.size()).arg(reason));
            (void)m_buffer.rejectEvents(sent, reason);
        }
    });
}

void EdgeAgent::checkDrained()
{
    if (!m_config.exitWhenDrained || !m_inputEnded || m_stopping)
        return;
    if (!m_pending.samples.isEmpty() || m_buffer.depth() > 0 || m_buffer.eventsPending() > 0 || m_uploadInFlight || m_eventsInFlight)
        return;
    log(QStringLiteral("the input ended and everything is uploaded"));
    m_stopping = true;
    emit finished(0);
}

// ------------------------------------------------------------------------------ operation

void EdgeAgent::serveMetrics()
{
    const qsizetype colon = m_config.metricsListen.lastIndexOf(QLatin1Char(':'));
    const QString host = m_config.metricsListen.left(colon);
    const int port = m_config.metricsListen.mid(colon + 1).toInt();
    m_metricsServer = new QTcpServer(this);
    if (!m_metricsServer->listen(QHostAddress(host.isEmpty() ? QStringLiteral("127.0.0.1") : host), quint16(port))) {
        log(QStringLiteral("metrics: cannot listen on %1: %2 (running without /metrics)")
                .arg(m_config.metricsListen, m_metricsServer->errorString()));
        return;
    }
    connect(m_metricsServer, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_metricsServer->nextPendingConnection()) {
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                const QByteArray head = socket->peek(8192);
                if (!head.contains("\r\n\r\n") && socket->bytesAvailable() < 8192)
                    return;
                socket->readAll();
                const bool metrics = head.startsWith("GET /metrics ");
                const QByteArray body = metrics ? metricsText() : QByteArrayLiteral("laces-edge: see /metrics\n");
                socket->write((metrics ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n")
                              + QByteArray("Content-Type: text/plain; version=0.0.4\r\nConnection: close\r\nContent-Length: ")
                              + QByteArray::number(body.size()) + "\r\n\r\n" + body);
                socket->disconnectFromHost();
            });
        }
    });
}

QByteArray EdgeAgent::metricsText() const
{
    QByteArray out;
    const auto metric = [&out](const char *name, const char *type, const char *help, double value, const QByteArray &labels = {}) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
        out += name + labels + ' ' + QByteArray::number(value, 'g', 15) + '\n';
    };
    metric("laces_edge_samples_received_total", "counter", "Samples taken from the input.", double(m_samplesReceived));
    metric("laces_edge_buffer_depth_samples", "gauge", "Samples in the buffer not yet stored by the server.", double(m_buffer.depth()));
    metric("laces_edge_buffer_bytes", "gauge", "Bytes the waiting samples count against the limit.", double(m_buffer.bytes()));
    metric("laces_edge_buffer_limit_bytes", "gauge", "The buffer's limit (--max-buffer-mb).", m_config.maxBufferMb * 1024 * 1024);
    metric("laces_edge_dropped_samples_total", "counter", "Samples dropped because the buffer was full.", double(m_buffer.dropped()));
    metric("laces_edge_rejected_samples_total", "counter", "Samples the server refused for good.", double(m_buffer.rejected()));
    metric("laces_edge_bad_lines_total", "counter", "Input lines or messages skipped as malformed.", double(m_buffer.badLines()));
    metric("laces_edge_uploaded_samples_total", "counter", "Samples the server stored from this agent's uploads.", double(m_uploadedSamples));
    metric("laces_edge_upload_failures_total", "counter", "Uploads that failed and are retried.", double(m_uploadFailures));
    metric("laces_edge_uplink_up", "gauge", "1 when the last upload succeeded.", m_uplink == Uplink::Online ? 1 : 0);
    metric("laces_edge_boot_epoch", "gauge", "This run's boot epoch.", double(m_buffer.epoch()));
    metric("laces_edge_events_pending", "gauge", "Local alerts waiting to go to the server.", double(m_buffer.eventsPending()));
    metric("laces_edge_local_alerts_total", "counter", "Local alerts raised (limits and anomalies).", double(m_localAlerts));
    metric("laces_edge_model_loaded", "gauge", "1 when an anomaly model scores the samples.", m_stream ? 1 : 0);
    metric("laces_edge_anomaly_score", "gauge", "The last minute's smoothed anomaly score.", std::isfinite(m_lastScore) ? m_lastScore : 0);
    metric("laces_edge_commits_total", "counter", "Buffer transactions committed.", double(m_commitCount));
    metric("laces_edge_commit_seconds_total", "counter", "Time spent committing to the buffer.", m_commitSeconds);
    metric("laces_edge_control_commands_total", "counter", "Commands issued by control rules.", double(m_commandsIssued));
    std::vector<double> latencies = m_latenciesMs;
    std::sort(latencies.begin(), latencies.end());
    out += "# HELP laces_edge_control_latency_seconds Sample arrival to command issued, over the last 100,000 commands.\n"
           "# TYPE laces_edge_control_latency_seconds summary\n";
    for (const double q : {0.5, 0.99, 0.999}) {
        const double value = latencies.empty() ? 0 : latencies[std::min(latencies.size() - 1, size_t(q * double(latencies.size())))] / 1000;
        out += "laces_edge_control_latency_seconds{quantile=\"" + QByteArray::number(q) + "\"} " + QByteArray::number(value, 'g', 9) + '\n';
    }
    out += "laces_edge_control_latency_seconds_count " + QByteArray::number(m_latencyCount) + '\n';
    return out;
}

} // namespace Laces::Edge
