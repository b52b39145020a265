#include "logging.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <cstdio>

namespace Laces::Server {

namespace {
void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const char *level = "info";
    switch (type) {
    case QtDebugMsg: level = "debug"; break;
    case QtInfoMsg: level = "info"; break;
    case QtWarningMsg: level = "warning"; break;
    case QtCriticalMsg: level = "error"; break;
    case QtFatalMsg: level = "fatal"; break;
    }
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' '
                            + level + ' ' + (context.category ? context.category : "default") + ' '
                            + message.toUtf8() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}
} // namespace

void installLogHandler()
{
    QLoggingCategory::setFilterRules(QStringLiteral("*.debug=false\nlaces.*.info=true"));
    qInstallMessageHandler(handler);
}

} // namespace Laces::Server
