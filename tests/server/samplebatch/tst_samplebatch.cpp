#include "telemetry/samplebatch.h"
#include "telemetry/telemetrymetrics.h"

#include <QDateTime>
#include <QTest>

using namespace Laces::Server;

// Parsing telemetry as it arrives: RFC 3339 times, JSON and CSV batches, and the error
// that names the first bad sample.
class tst_SampleBatch : public QObject
{
    Q_OBJECT

private slots:
    void rfc3339_data();
    void rfc3339();
    void csvColumnsAndNulls();
    void csvErrorsNameTheLine_data();
    void csvErrorsNameTheLine();
    void jsonSamples();
    void limits();

private:
    SampleBatch::Limits limitsOf(int maxSamples = 1000) const
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        return {now, 5 * 60000, now - 30 * 86400000LL, maxSamples};
    }
};

void tst_SampleBatch::rfc3339_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");  // -1: refused
    QTest::newRow("Z") << "2026-11-27T10:00:00Z" << qint64(1795773600000);
    QTest::newRow("ms") << "2026-11-27T10:00:00.123Z" << qint64(1795773600123);
    QTest::newRow("one digit") << "2026-11-27T10:00:00.5Z" << qint64(1795773600500);
    QTest::newRow("micro, cut to ms") << "2026-11-27T10:00:00.123999Z" << qint64(1795773600123);
    QTest::newRow("offset") << "2026-11-27T11:30:00+01:30" << qint64(1795773600000);
    QTest::newRow("negative offset") << "2026-11-27T05:00:00-05:00" << qint64(1795773600000);
    QTest::newRow("lower case") << "2026-11-27t10:00:00z" << qint64(1795773600000);
    QTest::newRow("space") << "2026-11-27 10:00:00Z" << qint64(1795773600000);
    QTest::newRow("leap day") << "2024-02-29T00:00:00Z" << qint64(1709164800000);
    QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << qint64(0);
    QTest::newRow("no zone") << "2026-11-27T10:00:00" << qint64(-1);
    QTest::newRow("no leap day") << "2026-02-29T00:00:00Z" << qint64(-1);
    QTest::newRow("month 13") << "2026-13-01T00:00:00Z" << qint64(-1);
    QTest::newRow("hour 24") << "2026-11-27T24:00:00Z" << qint64(-1);
    QTest::newRow("empty fraction") << "2026-11-27T10:00:00.Z" << qint64(-1);
    QTest::newRow("trailing") << "2026-11-27T10:00:00Zjunk" << qint64(-1);
    QTest::newRow("short") << "2026-11-27" << qint64(-1);
    QTest::newRow("letters") << "2026-1a-27T10:00:00Z" << qint64(-1);
    QTest::newRow("bad offset") << "2026-11-27T10:00:00+1:00" << qint64(-1);
}

void tst_SampleBatch::rfc3339()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    const auto parsed = parseRfc3339Ms(text.toLatin1());
    if (ms < 0) {
        QVERIFY(!parsed);
        return;
    }
    QVERIFY(parsed);
    QCOMPARE(*parsed, ms);
    // Qt agrees, where it reads the text too (it rounds sub-millisecond digits; we drop them).
    if (text.endsWith(QLatin1Char('Z')) && !text.contains(QLatin1Char(' ')) && !text.contains(QLatin1String("123999")))
        QCOMPARE(*parsed, QDateTime::fromString(text, Qt::ISODateWithMs).toMSecsSinceEpoch());
}

void tst_SampleBatch::csvColumnsAndNulls()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QByteArray a = "8d7c5a9e-7f3a-4c59-9a43-1b2c3d4e5f60";
    const QByteArray b = "0f1e2d3c-4b5a-4968-8776-655443322110";
    const QByteArray csv = "node_id,time,seq,rpm,temperature_c,boot_epoch\r\n"
                           + a + ',' + QByteArray::number(now - 2000) + ",1,1500.5,,7\r\n"
                           "\r\n"  // blank lines are skipped
                           + b + ',' + QDateTime::fromMSecsSinceEpoch(now - 1000, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1()
                           + ",2,,41.25,7\n"
                           + a + ',' + QByteArray::number(now) + ",3,-1e3,0,7";  // no final newline
    const auto batch = SampleBatch::fromCsv(csv, 0, limitsOf());
    QVERIFY2(batch, qPrintable(batch ? QString() : batch.error().message));
    QCOMPARE(batch->size(), 3);
    QCOMPARE(batch->bootEpoch, qint64(7));
    QCOMPARE(batch->nodes.size(), 2);
    QCOMPARE(batch->nodeOf, (QList<int>{0, 1, 0}));
    QCOMPARE(batch->lineNumbers, (QList<int>{2, 4, 5}));
    const int rpm = TelemetryMetrics::indexOf(u"rpm");
    const int temperature = TelemetryMetrics::indexOf(u"temperature_c");
    QVERIFY(batch->has(0, rpm) && !batch->has(0, temperature));
    QVERIFY(!batch->has(1, rpm) && batch->has(1, temperature));
    QCOMPARE(batch->value(0, rpm), 1500.5);
    QCOMPARE(batch->value(1, temperature), 41.25);
    QCOMPARE(batch->value(2, rpm), -1000.0);
    QCOMPARE(batch->timesMs.at(1), now - 1000);
    QCOMPARE(batch->label(1), QStringLiteral("line 4"));
}

void tst_SampleBatch::csvErrorsNameTheLine_data()
{
    QTest::addColumn<QByteArray>("csv");
    QTest::addColumn<QString>("field");
    const QByteArray node = "8d7c5a9e-7f3a-4c59-9a43-1b2c3d4e5f60";
    const QByteArray now = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    const QByteArray good = node + ',' + now + ",1,1\n";
    QTest::newRow("empty") << QByteArray() << "line 1";
    QTest::newRow("unknown column") << QByteArray("node_id,time,seq,warp\n") << "line 1";
    QTest::newRow("twice") << QByteArray("node_id,time,seq,rpm,rpm\n") << "line 1";
    QTest::newRow("no seq") << QByteArray("node_id,time,rpm\n") << "line 1";
    QTest::newRow("bad uuid") << "node_id,time,seq,rpm\n" + good + "not-a-uuid," + now + ",2,1\n" << "line 3.node_id";
    QTest::newRow("bad seq") << "node_id,time,seq,rpm\n" + good + node + ',' + now + ",two,1\n" << "line 3.seq";
    QTest::newRow("negative seq") << "node_id,time,seq,rpm\n" + node + ',' + now + ",-4,1\n" << "line 2.seq";
    QTest::newRow("bad number") << "node_id,time,seq,rpm\n" + node + ',' + now + ",1,1.2.3\n" << "line 2.rpm";
    QTest::newRow("nan") << "node_id,time,seq,rpm\n" + node + ',' + now + ",1,nan\n" << "line 2.rpm";
    QTest::newRow("too few") << "node_id,time,seq,rpm\n" + node + ',' + now + ",1\n" << "line 2";
    QTest::newRow("too many") << "node_id,time,seq,rpm\n" + node + ',' + now + ",1,2,3\n" << "line 2";
    QTest::newRow("future") << "node_id,time,seq,rpm\n" + node + ",9999999999999,1,1\n" << "line 2.time";
    QTest::newRow("too old") << "node_id,time,seq,rpm\n" + node + ",0,1,1\n" << "line 2.time";
    QTest::newRow("two boot epochs") << "node_id,time,seq,rpm,boot_epoch\n" + node + ',' + now + ",1,1,1\n" + node + ','
                                            + now + ",2,1,2\n" << "line 3.boot_epoch";
}

void tst_SampleBatch::csvErrorsNameTheLine()
{
    QFETCH(QByteArray, csv);
    QFETCH(QString, field);
    const auto batch = SampleBatch::fromCsv(csv, 0, limitsOf());
    QVERIFY(!batch);
    QCOMPARE(batch.error().field, field);
    QVERIFY(batch.error().message.startsWith(field.section(QLatin1Char('.'), 0, 0) + QStringLiteral(": ")));
}

void tst_SampleBatch::jsonSamples()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString time = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODateWithMs);
    const QByteArray one = QStringLiteral(R"({"node_id":"8d7c5a9e-7f3a-4c59-9a43-1b2c3d4e5f60","time":"%1","seq":5,)"
                                          R"("boot_epoch":2,"metrics":{"flow_lpm":12.5}})").arg(time).toUtf8();
    const auto single = SampleBatch::fromJsonSample(one, limitsOf());
    QVERIFY(single);
    QCOMPARE(single->bootEpoch, qint64(2));
    QCOMPARE(single->label(0), QStringLiteral("sample"));
    QCOMPARE(single->value(0, TelemetryMetrics::indexOf(u"flow_lpm")), 12.5);
    QCOMPARE(SampleBatch::fromJsonBatch(R"({"samples": {}})", limitsOf()).error().field, QStringLiteral("samples"));
    QCOMPARE(SampleBatch::fromJsonBatch(R"({"samples": [], "extra": 1})", limitsOf()).error().field, QStringLiteral("extra"));
    QCOMPARE(SampleBatch::fromJsonBatch(R"({"boot_epoch": "x", "samples": []})", limitsOf()).error().field,
             QStringLiteral("boot_epoch"));
    QCOMPARE(SampleBatch::fromJsonBatch(R"([1, 2])", limitsOf()).error().field, QStringLiteral("body"));
    QCOMPARE(SampleBatch::fromJsonBatch(R"({"samples": [1]})", limitsOf()).error().field, QStringLiteral("samples[0]"));
    QCOMPARE(SampleBatch::fromJsonBatch(QStringLiteral(R"({"samples": [{"node_id":"8d7c5a9e-7f3a-4c59-9a43-1b2c3d4e5f60","time":"%1","seq":1,"metrics":{},"color":"red"}]})").arg(time).toUtf8(), limitsOf())
                 .error().field, QStringLiteral("samples[0].color"));
}

void tst_SampleBatch::limits()
{
    const QByteArray node = "8d7c5a9e-7f3a-4c59-9a43-1b2c3d4e5f60";
    const QByteArray now = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    QByteArray csv = "node_id,time,seq,rpm\n";
    for (int i = 1; i <= 11; ++i)
        csv += node + ',' + now + ',' + QByteArray::number(i) + ",1\n";
    QVERIFY(SampleBatch::fromCsv(csv, 0, limitsOf(11)));
    const auto tooMany = SampleBatch::fromCsv(csv, 0, limitsOf(10));
    QVERIFY(!tooMany);
    QCOMPARE(tooMany.error().code, Laces::Core::Error::Code::TooLarge);
}

QTEST_GUILESS_MAIN(tst_SampleBatch)
#include "tst_samplebatch.moc"
