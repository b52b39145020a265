#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QJsonObject>
#include <QList>

namespace Laces::App {

// The maintenance queue's rows: tickets as the server lists them (GET /maintenance/tickets),
// updated in place by live events. Order is the server's; the queue's proxy sorts by priority.
class TicketModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Number, Severity, Title, Node, Site, Component, Status, Assignee, Age, Occurrences, ColumnCount };
    enum Role { TicketRole = Qt::UserRole + 1, IdRole, PriorityRole, OpenedMsRole, SeverityRole, StatusRole };

    explicit TicketModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setTickets(const QList<QJsonObject> &tickets);
    // Merges `ticket`'s fields into the row with its id, or appends it; returns its row.
    int upsert(const QJsonObject &ticket);
    int rowOf(const QString &id) const;
    QJsonObject ticketAt(int row) const { return m_tickets.value(row); }

    static QString severityText(const QString &severity);
    static QString statusText(const QString &status);
    static QColor severityColor(const QString &severity);
    // "12 min", "5 h", "3 d" since `fromMs`.
    static QString ageText(qint64 fromMs, qint64 nowMs);

private:
    QList<QJsonObject> m_tickets;
};

} // namespace Laces::App
