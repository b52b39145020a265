#include "numericcsv.h"

#include <QFile>

#include <cmath>
#include <vector>

namespace Laces::App {

namespace {

// One CSV record; false on an unterminated quote.
bool splitRecord(const QString &line, QChar delimiter, QStringList *fields)
{
    fields->clear();
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"') && field.isEmpty()) {
            quoted = true;
        } else if (c == delimiter) {
            fields->append(field);
            field.clear();
        } else {
            field += c;
        }
    }
    fields->append(field);
    return !quoted;
}

bool isTimeName(const QString &name)
{
    static const QStringList names = { QStringLiteral("time"), QStringLiteral("timestamp"),
        QStringLiteral("datetime"), QStringLiteral("date"), QStringLiteral("ts") };
    return names.contains(name.trimmed().toLower());
}

std::optional<double> number(const QString &text)
{
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return std::nullopt;
    return value;
}

} // namespace

Core::Result<NumericCsv> readNumericCsv(
    const QString &path, std::optional<QChar> delimiter, const QStringList &ignore)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Core::Error::notFound(
            QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QString text = QString::fromUtf8(file.readAll());
    QStringList lines = text.split(QLatin1Char('\n'));
    for (QString &line : lines)
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
    const auto invalid = [&](const QString &message) {
        return Core::Error::invalid(QStringLiteral("%1: %2").arg(path, message), QStringLiteral("file"));
    };
    if (lines.isEmpty() || lines.first().trimmed().isEmpty())
        return invalid(QStringLiteral("no header line"));

    NumericCsv csv;
    csv.path = path;
    csv.delimiter = delimiter ? *delimiter
        : lines.first().count(QLatin1Char(';')) > lines.first().count(QLatin1Char(','))
        ? QLatin1Char(';')
        : QLatin1Char(',');
    if (!splitRecord(lines.first(), csv.delimiter, &csv.header))
        return invalid(QStringLiteral("line 1: an unterminated quote"));
    for (QString &name : csv.header)
        name = name.trimmed();
    for (const QString &name : ignore)
        if (!csv.header.contains(name))
            return invalid(QStringLiteral("no column \"%1\" to ignore (columns: %2)")
                               .arg(name, csv.header.join(QStringLiteral(", "))));

    std::vector<int> numericIndex;
    std::vector<std::vector<double>> rows;
    QStringList fields;
    bool decided = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        const qsizetype lineNumber = i + 1;
        if (!splitRecord(lines[i], csv.delimiter, &fields))
            return invalid(QStringLiteral("line %1: an unterminated quote").arg(lineNumber));
        if (fields.size() != csv.header.size())
            return invalid(QStringLiteral("line %1 has %2 fields, the header %3")
                               .arg(lineNumber)
                               .arg(fields.size())
                               .arg(csv.header.size()));
        if (!decided) {
            for (int c = 0; c < csv.header.size(); ++c) {
                const QString &name = csv.header[c];
                if (!isTimeName(name) && !ignore.contains(name) && number(fields[c])) {
                    numericIndex.push_back(c);
                    csv.numeric.append(name);
                } else {
                    csv.skipped.append(name);
                }
            }
            decided = true;
        }
        std::vector<double> row;
        row.reserve(numericIndex.size());
        for (int c : numericIndex) {
            const std::optional<double> value = number(fields[c]);
            if (!value)
                return invalid(QStringLiteral("line %1, column \"%2\": \"%3\" is not a number")
                                   .arg(lineNumber)
                                   .arg(csv.header[c], fields[c]));
            row.push_back(*value);
        }
        rows.push_back(std::move(row));
    }
    csv.values.resize(Eigen::Index(rows.size()), Eigen::Index(numericIndex.size()));
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < numericIndex.size(); ++c)
            csv.values(Eigen::Index(r), Eigen::Index(c)) = rows[r][c];
    return csv;
}

} // namespace Laces::App
