#pragma once

#include <QJsonObject>
#include <QTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Laces::App {

class MaintenanceStream;
class Session;
class TicketDetails;
class TicketModel;

// The maintenance queue: the organization's tickets, most urgent first, filtered by status,
// severity, machine, site, component and text; the selected ticket's evidence and history;
// the actions the user's role allows (acknowledge, assign to me, start, resolve, close,
// reopen, cancel, comment). Tickets opened or changed elsewhere arrive live from the hub.
class MaintenanceQueue : public QWidget
{
    Q_OBJECT

public:
    explicit MaintenanceQueue(Session *session, QWidget *parent = nullptr);

    // Lists the tickets again with the current filters.
    void reload();
    // After logging in again: a new live stream, the new user's tickets.
    void resetSession();

    // Filters: status and severity codes as the server names them (empty: any).
    void setStatusFilter(const QStringList &statuses);
    void setSeverityFilter(const QStringList &severities);
    void setTextFilter(const QString &text);

    // Rows as shown (sorted by priority, filtered).
    int rowCount() const;
    QJsonObject ticketAt(int row) const;
    QString statusAt(int row) const;
    int rowOfTicket(const QString &id) const;
    bool selectTicket(const QString &id);
    QString selectedTicketId() const;
    bool isLive() const;

    TicketModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    TicketDetails *details() const { return m_details; }
    QPushButton *actionButton(const QString &action) const;
    QString message() const;

    // PATCHes the selected ticket with `body` (what the buttons do).
    void patchSelected(const QJsonObject &body);

signals:
    void loaded();
    // A live event changed or added this row.
    void ticketRefreshed(const QString &id);
    // The server accepted (ok) or refused an action; `message` says what happened.
    void actionFinished(bool ok, const QString &message);
    void errorOccurred(const QString &message);
    void showInModelRequested(const QString &twinId, const QString &versionId, const QString &component);
    void telemetryRequested(const QString &nodeId);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void loadNodes();
    void refreshTicket(const QString &id);
    void selectionChanged();
    void updateActions();
    void resolveSelected();
    void showMessage(const QString &text, bool error);
    QString query() const;

    Session *m_session;
    TicketModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    TicketDetails *m_details;
    MaintenanceStream *m_stream = nullptr;
    QComboBox *m_status;
    QComboBox *m_severity;
    QComboBox *m_node;
    QComboBox *m_site;
    QLineEdit *m_component;
    QLineEdit *m_text;
    QLabel *m_count;
    QLabel *m_message;
    QLineEdit *m_comment;
    QHash<QString, QPushButton *> m_actions;
    QTimer m_ageTimer;
    QTimer m_reloadTimer;
    bool m_requested = false;
    int m_generation = 0;
};

} // namespace Laces::App
