#include "ticketmodel.h"

#include <QDateTime>

namespace Laces::App {

namespace {

qint64 msOf(const QJsonObject &ticket, const QString &key)
{
    return QDateTime::fromString(ticket.value(key).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch();
}

} // namespace

TicketModel::TicketModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int TicketModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tickets.size());
}

int TicketModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TicketModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_tickets.size())
        return {};
    const QJsonObject &ticket = m_tickets.at(index.row());
    const QString severity = ticket.value(QStringLiteral("severity")).toString();
    switch (role) {
    case TicketRole:
        return ticket;
    case IdRole:
        return ticket.value(QStringLiteral("id")).toString();
    case PriorityRole:
        return ticket.value(QStringLiteral("priority")).toDouble();
    case OpenedMsRole:
        return msOf(ticket, QStringLiteral("opened_at"));
    case SeverityRole:
        return severity;
    case StatusRole:
        return ticket.value(QStringLiteral("status")).toString();
    case Qt::BackgroundRole:
        if (index.column() == Severity)
            return severityColor(severity);
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Severity)
            return QColor(severity == QLatin1String("MEDIUM") ? Qt::black : Qt::white);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Number || index.column() == Occurrences)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Title)
            return ticket.value(QStringLiteral("description")).toString().isEmpty()
                       ? ticket.value(QStringLiteral("title")).toString()
                       : ticket.value(QStringLiteral("description")).toString();
        if (index.column() == Age)
            return ticket.value(QStringLiteral("opened_at")).toString();
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Number:
        return ticket.value(QStringLiteral("number")).toInt();
    case Severity:
        return severityText(severity);
    case Title:
        return ticket.value(QStringLiteral("title")).toString();
    case Node:
        return ticket.value(QStringLiteral("node_name")).toString();
    case Site:
        return ticket.value(QStringLiteral("site")).toString();
    case Component:
        return ticket.value(QStringLiteral("component")).toString();
    case Status:
        return statusText(ticket.value(QStringLiteral("status")).toString());
    case Assignee:
        return ticket.value(QStringLiteral("assignee")).toString();
    case Age: {
        const qint64 opened = msOf(ticket, QStringLiteral("opened_at"));
        return opened > 0 ? ageText(opened, QDateTime::currentMSecsSinceEpoch()) : QString();
    }
    case Occurrences:
        return ticket.value(QStringLiteral("occurrences")).toInt();
    default:
        return {};
    }
}

QVariant TicketModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == Occurrences)
        return tr("How often the problem was seen");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Number: return tr("No.");
    case Severity: return tr("Severity");
    case Title: return tr("Title");
    case Node: return tr("Machine");
    case Site: return tr("Site");
    case Component: return tr("Component");
    case Status: return tr("Status");
    case Assignee: return tr("Assignee");
    case Age: return tr("Age");
    case Occurrences: return tr("Seen");
    default: return {};
    }
}

void TicketModel::setTickets(const QList<QJsonObject> &tickets)
{
    beginResetModel();
    m_tickets = tickets;
    endResetModel();
}

int TicketModel::rowOf(const QString &id) const
{
    for (int row = 0; row < m_tickets.size(); ++row) {
        if (m_tickets.at(row).value(QStringLiteral("id")).toString() == id)
            return row;
    }
    return -1;
}

int TicketModel::upsert(const QJsonObject &ticket)
{
    const int row = rowOf(ticket.value(QStringLiteral("id")).toString());
    if (row < 0) {
        beginInsertRows({}, int(m_tickets.size()), int(m_tickets.size()));
        m_tickets.append(ticket);
        endInsertRows();
        return int(m_tickets.size()) - 1;
    }
    QJsonObject &known = m_tickets[row];
    for (auto it = ticket.begin(); it != ticket.end(); ++it)
        known.insert(it.key(), it.value());
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return row;
}

QString TicketModel::severityText(const QString &severity)
{
    if (severity == QLatin1String("LOW"))
        return tr("Low");
    if (severity == QLatin1String("MEDIUM"))
        return tr("Medium");
    if (severity == QLatin1String("HIGH"))
        return tr("High");
    if (severity == QLatin1String("CRITICAL"))
        return tr("Critical");
    return severity;
}

QString TicketModel::statusText(const QString &status)
{
    if (status == QLatin1String("open"))
        return tr("open");
    if (status == QLatin1String("acknowledged"))
        return tr("acknowledged");
    if (status == QLatin1String("in_progress"))
        return tr("in progress");
    if (status == QLatin1String("resolved"))
        return tr("resolved");
    if (status == QLatin1String("closed"))
        return tr("closed");
    if (status == QLatin1String("cancelled"))
        return tr("cancelled");
    return status;
}

QColor TicketModel::severityColor(const QString &severity)
{
    if (severity == QLatin1String("CRITICAL"))
        return QColor(0xb0, 0x00, 0x20);
    if (severity == QLatin1String("HIGH"))
        return QColor(0xe6, 0x51, 0x00);
    if (severity == QLatin1String("MEDIUM"))
        return QColor(0xf9, 0xc0, 0x2d);
    return QColor(0x54, 0x6e, 0x7a);
}

QString TicketModel::ageText(qint64 fromMs, qint64 nowMs)
{
    const qint64 minutes = std::max<qint64>(0, (nowMs - fromMs) / 60000);
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    if (minutes < 48 * 60)
        return tr("%1 h").arg(minutes / 60);
    return tr("%1 d").arg(minutes / 1440);
}

} // namespace Laces::App
