#include "ticketdetails.h"

#include "evidencechart.h"
#include "session.h"
#include "ticketmodel.h"

#include <QDateTime>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Laces::App {

namespace {

QString localTime(const QJsonValue &iso)
{
    const QDateTime time = QDateTime::fromString(iso.toString(), Qt::ISODateWithMs);
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

QString eventText(const QString &kind, const QJsonObject &details)
{
    const auto value = [&](const char *key) { return details.value(QLatin1String(key)).toVariant().toString(); };
    if (kind == QLatin1String("opened"))
        return TicketDetails::tr("Opened");
    if (kind == QLatin1String("occurrence"))
        return TicketDetails::tr("Seen again");
    if (kind == QLatin1String("severity"))
        return TicketDetails::tr("Severity %1 → %2").arg(value("from"), value("to"));
    if (kind == QLatin1String("status"))
        return TicketDetails::tr("Status %1 → %2")
            .arg(TicketModel::statusText(value("from")), TicketModel::statusText(value("to")));
    if (kind == QLatin1String("assigned"))
        return value("assignee_id").isEmpty() ? TicketDetails::tr("Unassigned") : TicketDetails::tr("Assigned");
    if (kind == QLatin1String("comment"))
        return TicketDetails::tr("Comment: %1").arg(value("text"));
    if (kind == QLatin1String("reopened"))
        return TicketDetails::tr("Reopened");
    if (kind == QLatin1String("alert"))
        return TicketDetails::tr("Alert sent");
    return kind;
}

} // namespace

TicketDetails::TicketDetails(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_title(new QLabel(this))
    , m_facts(new QLabel(this))
    , m_evidence(new EvidenceChart(session, this))
    , m_events(new QTreeWidget(this))
{
    m_title->setObjectName(QStringLiteral("ticketTitle"));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setObjectName(QStringLiteral("ticketFacts"));
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_events->setObjectName(QStringLiteral("ticketEvents"));
    m_events->setHeaderLabels({tr("When"), tr("Who"), tr("What")});
    m_events->setRootIsDecorated(false);
    m_events->header()->setStretchLastSection(true);
    m_events->setColumnWidth(0, 130);
    m_events->setColumnWidth(1, 90);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_evidence);
    splitter->addWidget(m_events);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({420, 130});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_facts);
    layout->addWidget(splitter, 1);
    clear();
}

QString TicketDetails::causeText(const QString &cause)
{
    if (cause.startsWith(QLatin1String("threshold:")))
        return tr("%1 beyond its limit").arg(cause.mid(10));
    if (cause.startsWith(QLatin1String("trend:")))
        return tr("%1 trending towards its limit").arg(cause.mid(6));
    if (cause == QLatin1String("anomaly"))
        return tr("Anomalous behaviour");
    if (cause == QLatin1String("stale"))
        return tr("No telemetry");
    if (cause == QLatin1String("edge_anomaly"))
        return tr("Anomaly reported by the edge device");
    if (cause == QLatin1String("manual"))
        return tr("Reported by a person");
    return cause;
}

void TicketDetails::clear()
{
    ++m_generation;
    m_ticket = {};
    m_chartedId.clear();
    m_chartedEvidence.clear();
    m_title->setText(tr("<i>Choose a ticket to see its evidence and history.</i>"));
    m_facts->clear();
    m_evidence->clear();
    m_events->clear();
}

void TicketDetails::showTicket(const QJsonObject &ticket)
{
    setTicket(ticket);
    const int generation = ++m_generation;
    const QString id = ticket.value(QStringLiteral("id")).toString();
    m_session->client()->send("GET", QStringLiteral("/maintenance/tickets/") + id, nullptr, this,
                              [this, generation](const QJsonObject &answer, const ApiError *error) {
        if (generation != m_generation)
            return;
        if (error) {
            emit errorOccurred(error->describe());
            return;
        }
        setTicket(answer);
        emit loaded(answer);
    });
}

void TicketDetails::setTicket(const QJsonObject &ticket)
{
    const bool sameTicket = ticket.value(QStringLiteral("id")).toString() == ticketId();
    QJsonObject merged = sameTicket ? m_ticket : QJsonObject();
    for (auto it = ticket.begin(); it != ticket.end(); ++it)
        merged.insert(it.key(), it.value());
    m_ticket = merged;
    showFacts();
    showEvents();
    // The chart is drawn again only when its evidence changed (live updates are frequent).
    const QString evidence = QString::fromUtf8(
        QJsonDocument(m_ticket.value(QStringLiteral("evidence")).toObject()).toJson(QJsonDocument::Compact));
    if (m_chartedId != ticketId() || m_chartedEvidence != evidence) {
        m_chartedId = ticketId();
        m_chartedEvidence = evidence;
        m_evidence->showTicket(m_ticket);
    }
}

void TicketDetails::showFacts()
{
    const QJsonObject &t = m_ticket;
    const QString severity = t.value(QStringLiteral("severity")).toString();
    m_title->setText(QStringLiteral("<h3><span style=\"background:%1;color:%2\">&nbsp;%3&nbsp;</span> #%4 %5</h3>")
                         .arg(TicketModel::severityColor(severity).name(),
                              severity == QLatin1String("MEDIUM") ? QStringLiteral("black") : QStringLiteral("white"),
                              TicketModel::severityText(severity).toHtmlEscaped())
                         .arg(t.value(QStringLiteral("number")).toInt())
                         .arg(t.value(QStringLiteral("title")).toString().toHtmlEscaped()));
    QStringList rows;
    const auto row = [&rows](const QString &label, const QString &value) {
        if (!value.isEmpty())
            rows.append(QStringLiteral("<tr><td><b>%1</b>&nbsp;</td><td>%2</td></tr>").arg(label, value.toHtmlEscaped()));
    };
    row(tr("Status"), TicketModel::statusText(t.value(QStringLiteral("status")).toString()));
    row(tr("Cause"), causeText(t.value(QStringLiteral("cause")).toString()));
    row(tr("Machine"), t.value(QStringLiteral("site")).toString().isEmpty()
                           ? t.value(QStringLiteral("node_name")).toString()
                           : tr("%1 at %2").arg(t.value(QStringLiteral("node_name")).toString(),
                                                t.value(QStringLiteral("site")).toString()));
    row(tr("Component"), t.value(QStringLiteral("component")).toString());
    if (t.value(QStringLiteral("twin_version")).isDouble())
        row(tr("Twin version"), QString::number(t.value(QStringLiteral("twin_version")).toInt()));
    row(tr("Priority"), QString::number(t.value(QStringLiteral("priority")).toDouble(), 'f', 0));
    row(tr("Occurrences"), QString::number(t.value(QStringLiteral("occurrences")).toInt()));
    row(tr("Opened"), localTime(t.value(QStringLiteral("opened_at"))));
    row(tr("Last seen"), localTime(t.value(QStringLiteral("last_seen_at"))));
    row(tr("Predicted failure"), localTime(t.value(QStringLiteral("predicted_failure_at"))));
    row(tr("Assignee"), t.value(QStringLiteral("assignee")).toString());
    const QJsonObject resolution = t.value(QStringLiteral("resolution")).toObject();
    if (!resolution.isEmpty())
        row(tr("Resolution"), QStringLiteral("%1 %2").arg(resolution.value(QStringLiteral("code")).toString(),
                                                          resolution.value(QStringLiteral("notes")).toString()));
    row(tr("Description"), t.value(QStringLiteral("description")).toString());
    m_facts->setText(QStringLiteral("<table>%1</table>").arg(rows.join(QString())));
}

void TicketDetails::showEvents()
{
    if (!m_ticket.contains(QStringLiteral("events")))
        return;
    m_events->clear();
    const QJsonArray events = m_ticket.value(QStringLiteral("events")).toArray();
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        const QString actor = event.value(QStringLiteral("actor")).toString() == QLatin1String("agent")
                                  ? tr("agent")
                                  : event.value(QStringLiteral("actor_name")).toString();
        auto *item = new QTreeWidgetItem(m_events, {localTime(event.value(QStringLiteral("created_at"))), actor,
                                                    eventText(event.value(QStringLiteral("kind")).toString(),
                                                              event.value(QStringLiteral("details")).toObject())});
        item->setData(0, Qt::UserRole, event.value(QStringLiteral("kind")).toString());
        item->setToolTip(2, item->text(2));
    }
}

} // namespace Laces::App
