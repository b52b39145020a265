#pragma once

#include "result.h"

#include <Eigen/Core>

#include <QStringList>

#include <optional>

namespace Laces::App {

// A CSV file's numeric columns, for `laces-cli anomaly score`.
struct NumericCsv
{
    QString path;
    QChar delimiter;
    QStringList header; // every column, in file order
    QStringList numeric; // the numeric columns (header names), in file order
    QStringList skipped; // the others: text columns, time stamps, ignored ones
    Eigen::MatrixXd values; // data rows × numeric columns
};

// Reads a CSV with a header line. The delimiter is `delimiter`, or the one of ',' and ';'
// that the header uses more. Fields may be double-quoted ("" for a quote). A column is
// numeric when its first data value is a finite number (C locale) and its name is not a
// time stamp's (time, timestamp, datetime, date, ts) nor in `ignore`; every value of a
// numeric column must then be a finite number. Errors: Error::notFound for a file that
// cannot be opened, Error::invalid (field "file") naming the line and column otherwise.
Core::Result<NumericCsv> readNumericCsv(
    const QString &path, std::optional<QChar> delimiter, const QStringList &ignore);

} // namespace Laces::App
