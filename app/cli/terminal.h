#pragma once

#include <QString>

namespace Laces::App::Terminal {

// Reads one line from standard input; with echo off when it is a terminal (passwords).
QString readLine(const QString &prompt, bool secret);
bool stdinIsTerminal();

} // namespace Laces::App::Terminal
