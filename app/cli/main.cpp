#include "cli.h"
#include "version.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("laces-cli"));
    QCoreApplication::setApplicationVersion(Laces::Core::productVersion());
    return Laces::App::Cli().run(QCoreApplication::arguments());
}
