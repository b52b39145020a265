#include "terminal.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace Laces::App::Terminal {

bool stdinIsTerminal()
{
    return ::isatty(STDIN_FILENO) == 1;
}

QString readLine(const QString &prompt, bool secret)
{
    std::fputs(qPrintable(prompt), stderr);
    std::fflush(stderr);
    termios saved {};
    const bool hide = secret && stdinIsTerminal() && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (hide) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    std::getline(std::cin, line);
    if (hide) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::fputs("\n", stderr);
    }
    return QString::fromStdString(line);
}

} // namespace Laces::App::Terminal
