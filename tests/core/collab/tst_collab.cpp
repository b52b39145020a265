#include "collab/editoperation.h"
#include "collab/vectorclock.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>

using namespace Laces::Core;

Q_DECLARE_METATYPE(VectorClock::Order)

// Vector clocks and the edit-operation merge rule that the server and the desktop share.
class tst_Collab : public QObject
{
    Q_OBJECT

private slots:
    void compare_data();
    void compare();
    void mergeAndTick();
    void fromJsonRefusesBadInput_data();
    void fromJsonRefusesBadInput();
    void causallyLaterWinsWhateverTheReplica();
    void concurrentTieIsStable();
    void supersedesIsATotalOrder();
    void replayIsOrderIndependent();
    void differentKeysBothApply();
    void validate_data();
    void validate();

private:
    static VectorClock clock(std::initializer_list<std::pair<const char *, qint64>> entries);
    static EditOperation set(const QString &replica, const VectorClock &at, const QString &component,
                             const QString &path, const QJsonValue &value, qint64 id);
};

VectorClock tst_Collab::clock(std::initializer_list<std::pair<const char *, qint64>> entries)
{
    VectorClock result;
    for (const auto &[replica, counter] : entries)
        result.set(QString::fromLatin1(replica), counter);
    return result;
}

EditOperation tst_Collab::set(const QString &replica, const VectorClock &at, const QString &component,
                              const QString &path, const QJsonValue &value, qint64 id)
{
    EditOperation operation;
    operation.id = id;
    operation.replica = replica;
    operation.clock = at;
    operation.component = component;
    operation.path = path;
    operation.value = value;
    return operation;
}

void tst_Collab::compare_data()
{
    QTest::addColumn<VectorClock>("a");
    QTest::addColumn<VectorClock>("b");
    QTest::addColumn<VectorClock::Order>("order");
    QTest::newRow("both empty") << VectorClock() << VectorClock() << VectorClock::Order::Equal;
    QTest::newRow("equal") << clock({{"a", 2}, {"b", 1}}) << clock({{"b", 1}, {"a", 2}}) << VectorClock::Order::Equal;
    QTest::newRow("one entry behind") << clock({{"a", 1}}) << clock({{"a", 2}}) << VectorClock::Order::Before;
    QTest::newRow("missing entry is zero") << clock({{"a", 1}}) << clock({{"a", 1}, {"b", 1}}) << VectorClock::Order::Before;
    QTest::newRow("after") << clock({{"a", 3}, {"b", 1}}) << clock({{"a", 2}}) << VectorClock::Order::After;
    QTest::newRow("concurrent") << clock({{"a", 1}}) << clock({{"b", 1}}) << VectorClock::Order::Concurrent;
    QTest::newRow("concurrent, disjoint keys interleaved")
        << clock({{"a", 2}, {"c", 1}}) << clock({{"b", 5}, {"c", 1}}) << VectorClock::Order::Concurrent;
    QTest::newRow("explicit zero equals absent") << clock({{"a", 0}}) << VectorClock() << VectorClock::Order::Equal;
}

void tst_Collab::compare()
{
    QFETCH(VectorClock, a);
    QFETCH(VectorClock, b);
    QFETCH(VectorClock::Order, order);
    QCOMPARE(a.compare(b), order);
    // And the mirror image.
    const VectorClock::Order mirrored = order == VectorClock::Order::Before ? VectorClock::Order::After
                                      : order == VectorClock::Order::After  ? VectorClock::Order::Before
                                                                            : order;
    QCOMPARE(b.compare(a), mirrored);
}

void tst_Collab::mergeAndTick()
{
    VectorClock mine = clock({{"a", 3}, {"b", 1}});
    mine.merge(clock({{"b", 4}, {"c", 2}}));
    QCOMPARE(mine, clock({{"a", 3}, {"b", 4}, {"c", 2}}));
    QCOMPARE(mine.tick(QStringLiteral("a")), 4);
    QCOMPARE(mine.sum(), 10);
    const auto back = VectorClock::fromJson(mine.toJson());
    QVERIFY(back);
    QCOMPARE(*back, mine);
}

void tst_Collab::fromJsonRefusesBadInput_data()
{
    QTest::addColumn<QJsonObject>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("negative") << QJsonObject{{QStringLiteral("a"), -1}} << QStringLiteral("non-negative");
    QTest::newRow("fraction") << QJsonObject{{QStringLiteral("a"), 1.5}} << QStringLiteral("integer");
    QTest::newRow("string") << QJsonObject{{QStringLiteral("a"), QStringLiteral("1")}} << QStringLiteral("integer");
    QTest::newRow("empty replica") << QJsonObject{{QString(), 1}} << QStringLiteral("1 to 64");
    QTest::newRow("huge") << QJsonObject{{QStringLiteral("a"), 1e300}} << QStringLiteral("integer");
}

void tst_Collab::fromJsonRefusesBadInput()
{
    QFETCH(QJsonObject, json);
    QFETCH(QString, mentions);
    QString error;
    QVERIFY(!VectorClock::fromJson(json, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QJsonObject many;
    for (int i = 0; i < 11; ++i)
        many.insert(QString::number(i), 1);
    QVERIFY(!VectorClock::fromJson(many, &error, 10));
}

void tst_Collab::causallyLaterWinsWhateverTheReplica()
{
    // "z" sorts after "a", so "z" would win a tie; but "a" saw z's edit and wins by causality.
    const EditOperation first = set(QStringLiteral("z"), clock({{"z", 1}}), QStringLiteral("rod"),
                                    QStringLiteral("colour"), QStringLiteral("red"), 1);
    const EditOperation later = set(QStringLiteral("a"), clock({{"z", 1}, {"a", 1}}), QStringLiteral("rod"),
                                    QStringLiteral("colour"), QStringLiteral("blue"), 2);
    QVERIFY(supersedes(later, first));
    QVERIFY(!supersedes(first, later));
    const TwinState state = applyOperations(TwinState::fromJson({{QStringLiteral("components"),
                                                                  QJsonObject{{QStringLiteral("rod"), QJsonObject()}}}}),
                                            {later, first});
    QCOMPARE(state.components.value(QStringLiteral("rod")).properties.value(QStringLiteral("colour")).toString(),
             QStringLiteral("blue"));
}

void tst_Collab::concurrentTieIsStable()
{
    // Concurrent, equal sums: the larger replica id wins, whichever arrives first.
    const EditOperation a = set(QStringLiteral("alice"), clock({{"alice", 1}}), {}, QStringLiteral("rpm"), 1000, 1);
    const EditOperation b = set(QStringLiteral("bob"), clock({{"bob", 1}}), {}, QStringLiteral("rpm"), 1500, 2);
    QVERIFY(supersedes(b, a));
    QVERIFY(!supersedes(a, b));
    // Concurrent, the one that had seen more wins.
    const EditOperation c = set(QStringLiteral("alice"), clock({{"alice", 3}, {"carol", 2}}), {}, QStringLiteral("rpm"), 900, 3);
    QVERIFY(supersedes(c, b));
    QCOMPARE(applyOperations({}, {a, b, c}).properties.value(QStringLiteral("rpm")).toInt(), 900);
    QCOMPARE(applyOperations({}, {c, b, a}).properties.value(QStringLiteral("rpm")).toInt(), 900);
}

void tst_Collab::supersedesIsATotalOrder()
{
    // Random clocks over four replicas: for any pair exactly one wins, and wins chain.
    QRandomGenerator random(4242);
    QList<EditOperation> operations;
    for (int i = 0; i < 60; ++i) {
        VectorClock at;
        for (const char *replica : {"a", "b", "c", "d"})
            at.set(QString::fromLatin1(replica), random.bounded(3));
        operations.append(set(QString::fromLatin1("abcd").mid(random.bounded(4), 1), at, {}, QStringLiteral("p"), i, i + 1));
    }
    for (const EditOperation &x : operations) {
        QVERIFY(!supersedes(x, x));
        for (const EditOperation &y : operations) {
            if (x.id != y.id)
                QCOMPARE(supersedes(x, y), !supersedes(y, x));
            if (x.clock.compare(y.clock) == VectorClock::Order::After)
                QVERIFY(supersedes(x, y));
            if (!supersedes(x, y))
                continue;
            for (const EditOperation &z : operations) {
                if (supersedes(y, z))
                    QVERIFY(supersedes(x, z));
            }
        }
    }
}

void tst_Collab::replayIsOrderIndependent()
{
    // Three replicas edit a few keys, each seeing others' operations at random moments;
    // the log replayed in any order gives one state.
    QRandomGenerator random(7);
    const QStringList replicas{QStringLiteral("r1"), QStringLiteral("r2"), QStringLiteral("r3")};
    QList<VectorClock> known(replicas.size());
    QList<EditOperation> log;
    TwinState base;
    base.components.insert(QStringLiteral("piston"), {});
    base.components.insert(QStringLiteral("crank"), {});
    for (int i = 0; i < 300; ++i) {
        const int who = random.bounded(int(replicas.size()));
        if (!log.isEmpty() && random.bounded(2) == 0)
            known[who].merge(log.at(random.bounded(int(log.size()))).clock);  // hears of someone's edit
        known[who].tick(replicas.at(who));
        EditOperation operation = set(replicas.at(who), known[who], random.bounded(2) ? QStringLiteral("piston") : QStringLiteral("crank"),
                                      QStringLiteral("k%1").arg(random.bounded(4)), random.bounded(1000), i + 1);
        if (random.bounded(5) == 0) {
            operation.kind = EditOperation::Kind::Remove;
            operation.value = QJsonValue();
        }
        log.append(operation);
    }
    const QJsonObject expected = applyOperations(base, log).toJson();
    // Every key took the value of its greatest operation.
    const QList<EditOperation> best = winners(log);
    QVERIFY(best.size() <= 8);
    for (const EditOperation &winner : best) {
        for (const EditOperation &other : log) {
            if (other.key() == winner.key() && other.id != winner.id)
                QVERIFY(supersedes(winner, other));
        }
    }
    for (int round = 0; round < 20; ++round) {
        QList<EditOperation> shuffled = log;
        std::shuffle(shuffled.begin(), shuffled.end(), *QRandomGenerator::global());
        QCOMPARE(applyOperations(base, shuffled).toJson(), expected);
    }
}

void tst_Collab::differentKeysBothApply()
{
    TwinState base;
    base.components.insert(QStringLiteral("rod"), {});
    EditOperation colour = set(QStringLiteral("a"), clock({{"a", 1}}), QStringLiteral("rod"), QStringLiteral("colour"), QStringLiteral("red"), 1);
    EditOperation material = set(QStringLiteral("b"), clock({{"b", 1}}), QStringLiteral("rod"), QStringLiteral("material"), QStringLiteral("steel"), 2);
    EditOperation move = set(QStringLiteral("b"), clock({{"b", 2}}), QStringLiteral("rod"), QStringLiteral("transform"), {}, 3);
    move.kind = EditOperation::Kind::Transform;
    move.value = QJsonArray{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 5, 0, 0, 1};
    // A property called "transform" is not the transform.
    EditOperation named = set(QStringLiteral("a"), clock({{"a", 2}}), QStringLiteral("rod"), QStringLiteral("transform"), QStringLiteral("note"), 4);
    EditOperation ghost = set(QStringLiteral("a"), clock({{"a", 3}}), QStringLiteral("gone"), QStringLiteral("x"), 1, 5);
    QList<qint64> skipped;
    const TwinState state = applyOperations(base, {colour, material, move, named, ghost}, &skipped);
    const ComponentState rod = state.components.value(QStringLiteral("rod"));
    QCOMPARE(rod.properties.value(QStringLiteral("colour")).toString(), QStringLiteral("red"));
    QCOMPARE(rod.properties.value(QStringLiteral("material")).toString(), QStringLiteral("steel"));
    QCOMPARE(rod.properties.value(QStringLiteral("transform")).toString(), QStringLiteral("note"));
    QCOMPARE(rod.transform.at(12).toDouble(), 5.0);
    QCOMPARE(skipped, QList<qint64>{5});
    QVERIFY(!state.components.contains(QStringLiteral("gone")));
}

void tst_Collab::validate_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("component");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<bool>("valid");
    const QJsonArray identity{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    QTest::newRow("set") << "set" << "" << "owner" << QJsonValue(QStringLiteral("me")) << true;
    QTest::newRow("set without value") << "set" << "" << "owner" << QJsonValue() << false;
    QTest::newRow("remove") << "remove" << "rod" << "owner" << QJsonValue(QJsonValue::Undefined) << true;
    QTest::newRow("remove with value") << "remove" << "rod" << "owner" << QJsonValue(1) << false;
    QTest::newRow("empty path") << "set" << "" << "" << QJsonValue(1) << false;
    QTest::newRow("transform") << "transform" << "rod" << "transform" << QJsonValue(identity) << true;
    QTest::newRow("transform of the twin") << "transform" << "" << "transform" << QJsonValue(identity) << false;
    QTest::newRow("transform, other path") << "transform" << "rod" << "pose" << QJsonValue(identity) << false;
    QTest::newRow("transform, 15 numbers") << "transform" << "rod" << "transform" << QJsonValue(QJsonArray{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}) << false;
    QTest::newRow("transform, text") << "transform" << "rod" << "transform" << QJsonValue(QStringLiteral("up")) << false;
}

void tst_Collab::validate()
{
    QFETCH(QString, kind);
    QFETCH(QString, component);
    QFETCH(QString, path);
    QFETCH(QJsonValue, value);
    QFETCH(bool, valid);
    EditOperation operation;
    operation.kind = *EditOperation::kindFromName(kind);
    operation.component = component;
    operation.path = path;
    operation.value = value;
    QCOMPARE(operation.validate().isEmpty(), valid);
}

QTEST_GUILESS_MAIN(tst_Collab)
#include "tst_collab.moc"
