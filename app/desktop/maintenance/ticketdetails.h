#pragma once

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace Laces::App {

class EvidenceChart;
class Session;

// One ticket in full: what, where, since when and how bad, its evidence chart and its
// event history (GET /maintenance/tickets/{id}).
class TicketDetails : public QWidget
{
    Q_OBJECT

public:
    TicketDetails(Session *session, QWidget *parent = nullptr);

    // Shows `ticket` at once and asks the server for it with its events.
    void showTicket(const QJsonObject &ticket);
    // Shows the server's answer (a ticket with events) without asking again.
    void setTicket(const QJsonObject &ticket);
    void clear();
    const QJsonObject &ticket() const { return m_ticket; }
    QString ticketId() const { return m_ticket.value(QStringLiteral("id")).toString(); }

    EvidenceChart *evidence() const { return m_evidence; }
    QTreeWidget *events() const { return m_events; }
    static QString causeText(const QString &cause);

signals:
    // The ticket and its events, as the server has them now.
    void loaded(const QJsonObject &ticket);
    void errorOccurred(const QString &message);

private:
    void showFacts();
    void showEvents();

    Session *m_session;
    QJsonObject m_ticket;
    QString m_chartedId;
    QString m_chartedEvidence;
    int m_generation = 0;
    QLabel *m_title;
    QLabel *m_facts;
    EvidenceChart *m_evidence;
    QTreeWidget *m_events;
};

} // namespace Laces::App
