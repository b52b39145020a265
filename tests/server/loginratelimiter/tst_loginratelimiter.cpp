#include "auth/loginratelimiter.h"

#include <QTest>

using Laces::Server::LoginRateLimiter;

class tst_LoginRateLimiter : public QObject
{
    Q_OBJECT

private slots:
    void accountLockedAfterFailuresThenReleased();
    void successResetsAccount();
    void addressLimitCoversManyAccounts();
};

void tst_LoginRateLimiter::accountLockedAfterFailuresThenReleased()
{
    LoginRateLimiter limiter({3, 60, 100, 60});
    const qint64 t0 = 1'000'000;
    for (int i = 0; i < 3; ++i) {
        QVERIFY(!limiter.retryAfterS(QStringLiteral("bob"), QStringLiteral("10.0.0.1"), t0 + i * 1000));
        limiter.recordFailure(QStringLiteral("bob"), QStringLiteral("10.0.0.1"), t0 + i * 1000);
    }
    const auto wait = limiter.retryAfterS(QStringLiteral("BOB"), QStringLiteral("10.0.0.2"), t0 + 3000);
    QVERIFY(wait);
    QCOMPARE(*wait, 57);  // the first failure (t0) leaves the 60 s window at t0 + 60 s
    QVERIFY(!limiter.retryAfterS(QStringLiteral("bob"), QStringLiteral("10.0.0.1"), t0 + 60001));
}

void tst_LoginRateLimiter::successResetsAccount()
{
    LoginRateLimiter limiter({2, 60, 100, 60});
    limiter.recordFailure(QStringLiteral("amy"), QStringLiteral("a"), 0);
    limiter.recordSuccess(QStringLiteral("amy"));
    limiter.recordFailure(QStringLiteral("amy"), QStringLiteral("a"), 1);
    QVERIFY(!limiter.retryAfterS(QStringLiteral("amy"), QStringLiteral("a"), 2));
}

void tst_LoginRateLimiter::addressLimitCoversManyAccounts()
{
    LoginRateLimiter limiter({100, 60, 3, 30});
    for (int i = 0; i < 3; ++i)
        limiter.recordFailure(QStringLiteral("user%1").arg(i), QStringLiteral("203.0.113.9"), 0);
    QVERIFY(limiter.retryAfterS(QStringLiteral("fresh"), QStringLiteral("203.0.113.9"), 10));
    QVERIFY(!limiter.retryAfterS(QStringLiteral("fresh"), QStringLiteral("203.0.113.10"), 10));
}

QTEST_GUILESS_MAIN(tst_LoginRateLimiter)
#include "tst_loginratelimiter.moc"
