#include "json/repeatedkeys.h"

#include <QJsonDocument>
#include <QTest>

using Laces::Core::firstRepeatedKey;

class tst_RepeatedKeys : public QObject
{
    Q_OBJECT

private slots:
    void paths_data();
    void paths();
    void manyMembers();
    void brokenTextNeverOverruns();
};

void tst_RepeatedKeys::paths_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("path");  // empty: nothing repeated

    QTest::newRow("plain object") << QByteArray(R"({"name": "a", "description": "b"})") << QString();
    QTest::newRow("top level") << QByteArray(R"({"name": "a", "name": "b"})") << QStringLiteral("name");
    QTest::newRow("same name in sibling objects")
        << QByteArray(R"({"a": {"x": 1}, "b": {"x": 2}})") << QString();
    QTest::newRow("same name at two depths") << QByteArray(R"({"x": {"x": {"x": 1}}})") << QString();
    QTest::newRow("nested") << QByteArray(R"({"materials": {"crank": {"preset": "a", "preset": "b"}}})")
                            << QStringLiteral("materials.crank.preset");
    QTest::newRow("in an array")
        << QByteArray(R"({"samples": [{"seq": 1}, {"seq": 2}, {"seq": 3, "metrics": {"rpm": 1, "rpm": 2}}]})")
        << QStringLiteral("samples[2].metrics.rpm");
    QTest::newRow("array elements may repeat") << QByteArray(R"({"a": ["x", "x", {"x": 1}]})") << QString();
    QTest::newRow("escaped spelling") << QByteArray(R"({"name": 1, "n\u0061me": 2})") << QStringLiteral("name");
    QTest::newRow("escaped quote in a value") << QByteArray(R"({"a": "say \"a\": 1", "b": 2})") << QString();
    QTest::newRow("a value that looks like a key") << QByteArray(R"({"a": "b", "b": "a"})") << QString();
    QTest::newRow("names differing in case") << QByteArray(R"({"Name": 1, "name": 2})") << QString();
    QTest::newRow("non-ASCII") << QByteArray("{\"gr\xc3\xb6\xc3\x9f" "e\": 1, \"gr\\u00f6\\u00dfe\": 2}")
                               << QStringLiteral("gr\u00f6\u00dfe");
    QTest::newRow("surrogate pair") << QByteArray(R"({"\ud83d\ude00": 1, "x": 2})") << QString();
    QTest::newRow("after a closed object") << QByteArray(R"({"a": {"b": 1}, "c": 2, "a": 3})") << QStringLiteral("a");
    QTest::newRow("root array") << QByteArray(R"([{"a": 1}, {"a": 1, "a": 2}])") << QStringLiteral("[1].a");
}

void tst_RepeatedKeys::paths()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, path);
    // The cases are valid JSON: the check is meant for text a parser accepted.
    QJsonParseError error;
    QJsonDocument::fromJson(json, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const auto repeated = firstRepeatedKey(json);
    QCOMPARE(repeated.value_or(QString()), path);
}

void tst_RepeatedKeys::manyMembers()
{
    // Objects past the linear look-up switch to a hashed one: a repeat is still found.
    QByteArray json = "{";
    for (int i = 0; i < 500; ++i)
        json += "\"m" + QByteArray::number(i) + "\": " + QByteArray::number(i) + ",";
    json += "\"m17\": 0}";
    QCOMPARE(firstRepeatedKey(json).value_or(QString()), QStringLiteral("m17"));
    json.chop(7);
    json += "\"m500\": 0}";
    QVERIFY(!firstRepeatedKey(json).has_value());
}

void tst_RepeatedKeys::brokenTextNeverOverruns()
{
    // Truncated and malformed text ends the scan quietly; QByteArrayView bounds every read.
    const QByteArray whole = R"({"a": {"b\u00": "x\"}, "c": [1, {"d": 2}]})";
    for (int length = 0; length <= whole.size(); ++length)
        firstRepeatedKey(QByteArrayView(whole.constData(), length));
    QVERIFY(!firstRepeatedKey("]]]}},,,").has_value());
    QVERIFY(!firstRepeatedKey("\"\\").has_value());
}

QTEST_GUILESS_MAIN(tst_RepeatedKeys)
#include "tst_repeatedkeys.moc"
