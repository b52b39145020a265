#include "fleetoverview.h"

#include "fleetmap.h"
#include "session.h"
#include "ticketmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace Laces::App {

namespace {

constexpr int kIdRole = Qt::UserRole;

QIcon statusDot(const QString &status)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(FleetMap::statusColor(status));
    painter.drawEllipse(QRectF(1, 1, 10, 10));
    return QIcon(pixmap);
}

QString statusText(const QString &status)
{
    if (status == QLatin1String("healthy"))
        return FleetOverview::tr("healthy");
    if (status == QLatin1String("warning"))
        return FleetOverview::tr("warning");
    if (status == QLatin1String("critical"))
        return FleetOverview::tr("critical");
    if (status == QLatin1String("stale"))
        return FleetOverview::tr("stale");
    if (status == QLatin1String("offline"))
        return FleetOverview::tr("offline");
    if (status == QLatin1String("maintenance"))
        return FleetOverview::tr("maintenance");
    return FleetOverview::tr("unknown");
}

} // namespace

FleetOverview::FleetOverview(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_map(new FleetMap(this))
    , m_list(new QTreeWidget(this))
    , m_summary(new QLabel(this))
    , m_health(new QLabel(this))
    , m_tickets(new QTreeWidget(this))
    , m_openTelemetry(new QPushButton(tr("Open &telemetry"), this))
{
    setObjectName(QStringLiteral("fleetOverview"));
    m_list->setObjectName(QStringLiteral("fleetNodes"));
    m_list->setHeaderLabels({tr("Machine"), tr("Site"), tr("Health"), tr("Tickets")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->setColumnWidth(1, 125);
    // Health ("100 (healthy)", longer in German) and the ticket count are never cut off.
    m_list->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    m_list->setAccessibleName(tr("Machines, worst health first"));
    m_summary->setObjectName(QStringLiteral("fleetSummary"));
    m_health->setObjectName(QStringLiteral("nodeHealth"));
    m_health->setWordWrap(true);
    m_health->setTextFormat(Qt::RichText);
    m_health->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_health->setText(tr("<i>Choose a machine on the map or in the list.</i>"));
    m_tickets->setObjectName(QStringLiteral("nodeTickets"));
    m_tickets->setHeaderLabels({tr("No."), tr("Severity"), tr("Title"), tr("Status")});
    m_tickets->setRootIsDecorated(false);
    m_tickets->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_tickets->setColumnWidth(0, 45);
    m_tickets->setColumnWidth(1, 70);
    m_openTelemetry->setObjectName(QStringLiteral("openTelemetry"));
    m_openTelemetry->setEnabled(false);
    auto *reload = new QPushButton(tr("&Refresh"), this);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_list, 3);
    rightLayout->addWidget(m_health);
    rightLayout->addWidget(new QLabel(tr("Open tickets"), right));
    rightLayout->addWidget(m_tickets, 1);
    rightLayout->addWidget(m_openTelemetry);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_map);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({700, 480});
    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(reload);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(reload, &QPushButton::clicked, this, &FleetOverview::reload);
    connect(m_map, &FleetMap::nodeSelected, this, &FleetOverview::selectNode);
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            selectNode(item->data(0, kIdRole).toString());
    });
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        emit telemetryRequested(item->data(0, kIdRole).toString());
    });
    connect(m_openTelemetry, &QPushButton::clicked, this, [this] {
        if (!m_selected.isEmpty())
            emit telemetryRequested(m_selected);
    });
}

void FleetOverview::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_requested)
        reload();
}

void FleetOverview::resetSession()
{
    m_requested = false;
    m_fitted = false;
    m_selected.clear();
    m_nodes.clear();
    m_list->clear();
    m_tickets->clear();
    m_map->setNodes({});
    m_openTelemetry->setEnabled(false);
    if (isVisible())
        reload();
}

void FleetOverview::reload()
{
    m_requested = true;
    if (!m_session->client()->isAuthenticated())
        return;
    const int generation = ++m_generation;
    // Health needs maintenance.view; other roles still see where the machines are.
    const bool health = m_session->can(QStringLiteral("maintenance.view"));
    const QString path = health ? QStringLiteral("/fleet/health") : QStringLiteral("/nodes?per_page=500");
    m_session->client()->send("GET", path, nullptr, this,
                              [this, generation, health](const QJsonObject &reply, const ApiError *error) {
        if (generation != m_generation)
            return;
        QJsonObject answer = reply;
        if (!error && !health) {
            QJsonArray nodes;
            QSet<QString> sites;
            for (const QJsonValue &value : reply.value(QStringLiteral("items")).toArray()) {
                QJsonObject node = value.toObject();
                const QString status = node.value(QStringLiteral("status")).toString();
                node.insert(QStringLiteral("node_id"), node.value(QStringLiteral("id")));
                node.insert(QStringLiteral("status"), status == QLatin1String("offline") || status == QLatin1String("maintenance")
                                                          ? status
                                                          : QStringLiteral("unknown"));
                if (node.value(QStringLiteral("latitude")).isDouble())
                    nodes.append(node);
                sites.insert(node.value(QStringLiteral("site")).toString());
            }
            QJsonObject summary;
            for (const QJsonValue &node : std::as_const(nodes)) {
                const QString status = node.toObject().value(QStringLiteral("status")).toString();
                summary.insert(status, summary.value(status).toInt() + 1);
            }
            answer = {{QStringLiteral("nodes"), nodes},
                      {QStringLiteral("sites"), QJsonArray::fromStringList(QStringList(sites.begin(), sites.end()))},
                      {QStringLiteral("summary"), summary}};
        }
        if (error) {
            m_summary->setText(tr("The fleet's health could not be loaded: %1").arg(error->describe()));
            emit errorOccurred(error->describe());
            emit loaded();
            return;
        }
        QList<QJsonObject> nodes;
        m_nodes.clear();
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        for (const QJsonValue &value : answer.value(QStringLiteral("nodes")).toArray()) {
            const QJsonObject node = value.toObject();
            const QString id = node.value(QStringLiteral("node_id")).toString();
            nodes.append(node);
            m_nodes.insert(id, node);
            const QString status = node.value(QStringLiteral("status")).toString();
            const QJsonValue score = node.value(QStringLiteral("score"));
            auto *item = new QTreeWidgetItem(
                m_list, {node.value(QStringLiteral("name")).toString(), node.value(QStringLiteral("site")).toString(),
                         score.isDouble() ? tr("%1 (%2)").arg(std::lround(score.toDouble())).arg(statusText(status))
                                          : statusText(status),
                         QString::number(node.value(QStringLiteral("open_tickets")).toInt())});
            item->setIcon(0, statusDot(status));
            item->setData(0, kIdRole, id);
            item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
            if (id == m_selected)
                m_list->setCurrentItem(item);
        }
        m_map->setNodes(nodes);
        if (!m_fitted && !nodes.isEmpty()) {
            m_fitted = true;
            m_map->showAll();
        }
        QStringList parts;
        const QJsonObject summary = answer.value(QStringLiteral("summary")).toObject();
        for (const char *status : {"critical", "warning", "stale", "offline", "maintenance", "unknown", "healthy"}) {
            const int count = summary.value(QLatin1String(status)).toInt();
            if (count > 0)
                parts.append(QStringLiteral("<span style=\"color:%1\">●</span> %2 %3")
                                 .arg(FleetMap::statusColor(QLatin1String(status)).name())
                                 .arg(count)
                                 .arg(statusText(QLatin1String(status))));
        }
        m_summary->setText(nodes.isEmpty() ? tr("No machines with a location yet.")
                                           : tr("<b>%n machine(s)</b> at %1 site(s): ", nullptr, int(nodes.size()))
                                                     .arg(answer.value(QStringLiteral("sites")).toArray().size())
                               + parts.join(QStringLiteral(" &nbsp; ")));
        emit loaded();
    });
}

void FleetOverview::selectNode(const QString &nodeId)
{
    if (nodeId.isEmpty() || nodeId == m_selected)
        return;
    m_selected = nodeId;
    m_map->selectNode(nodeId);
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_list->topLevelItem(i);
        if (item->data(0, kIdRole).toString() == nodeId && m_list->currentItem() != item) {
            const QSignalBlocker blocker(m_list);
            m_list->setCurrentItem(item);
            m_list->scrollToItem(item);
        }
    }
    m_openTelemetry->setEnabled(true);
    showNodeHealth(nodeId);
}

void FleetOverview::showNodeHealth(const QString &nodeId)
{
    const QJsonObject node = m_nodes.value(nodeId);
    m_health->setText(tr("<b>%1</b> (%2)").arg(node.value(QStringLiteral("name")).toString().toHtmlEscaped(),
                                               node.value(QStringLiteral("site")).toString().toHtmlEscaped()));
    m_tickets->clear();
    if (!m_session->can(QStringLiteral("maintenance.view"))) {
        m_health->setText(tr("<b>%1</b> (%2)<br>Your role cannot see health assessments or tickets.")
                              .arg(node.value(QStringLiteral("name")).toString().toHtmlEscaped(),
                                   node.value(QStringLiteral("site")).toString().toHtmlEscaped()));
        emit nodeShown(nodeId);
        return;
    }
    const int generation = ++m_healthGeneration;
    m_session->client()->send("GET", QStringLiteral("/nodes/%1/health").arg(nodeId), nullptr, this,
                              [this, nodeId, node, generation](const QJsonObject &health, const ApiError *error) {
        if (generation != m_healthGeneration || nodeId != m_selected)
            return;
        if (error) {
            m_health->setText(tr("<b>%1</b>: %2").arg(node.value(QStringLiteral("name")).toString().toHtmlEscaped(),
                                                     error->describe().toHtmlEscaped()));
            emit errorOccurred(error->describe());
            return;
        }
        m_nodeHealth = health;
        const QString status = health.value(QStringLiteral("status")).toString();
        QStringList lines;
        lines.append(tr("<b>%1</b> (%2, %3)")
                         .arg(node.value(QStringLiteral("name")).toString().toHtmlEscaped(),
                              node.value(QStringLiteral("site")).toString().toHtmlEscaped(),
                              node.value(QStringLiteral("type")).toString().toHtmlEscaped()));
        const QJsonValue score = health.value(QStringLiteral("score"));
        lines.append(tr("Health: <span style=\"color:%1\"><b>%2</b></span> %3")
                         .arg(FleetMap::statusColor(status).name(), statusText(status),
                              score.isDouble() ? tr("(score %1 of 100)").arg(std::lround(score.toDouble())) : QString()));
        const QJsonObject anomaly = health.value(QStringLiteral("anomaly")).toObject();
        if (anomaly.value(QStringLiteral("score")).isDouble()) {
            QStringList drivers;
            for (const QJsonValue &driver : anomaly.value(QStringLiteral("drivers")).toArray())
                drivers.append(tr("%1 %2 %").arg(driver.toObject().value(QStringLiteral("metric")).toString())
                                   .arg(std::lround(driver.toObject().value(QStringLiteral("share")).toDouble() * 100)));
            lines.append(tr("Anomaly score %1 (threshold %2)%3")
                             .arg(anomaly.value(QStringLiteral("score")).toDouble(), 0, 'f', 3)
                             .arg(anomaly.value(QStringLiteral("threshold")).toDouble(), 0, 'f', 3)
                             .arg(drivers.isEmpty() ? QString() : QStringLiteral(": ") + drivers.join(QStringLiteral(", "))));
        }
        for (const QJsonValue &value : health.value(QStringLiteral("trends")).toArray()) {
            const QJsonObject trend = value.toObject();
            if (trend.value(QStringLiteral("hours_to_limit")).isDouble())
                lines.append(tr("%1 reaches %2 in about %3 h")
                                 .arg(trend.value(QStringLiteral("metric")).toString())
                                 .arg(trend.value(QStringLiteral("limit")).toDouble())
                                 .arg(std::lround(trend.value(QStringLiteral("hours_to_limit")).toDouble())));
        }
        m_health->setText(lines.join(QStringLiteral("<br>")));
        for (const QJsonValue &value : health.value(QStringLiteral("open_tickets")).toArray()) {
            const QJsonObject ticket = value.toObject();
            const QString severity = ticket.value(QStringLiteral("severity")).toString();
            auto *item = new QTreeWidgetItem(m_tickets, {QString::number(ticket.value(QStringLiteral("number")).toInt()),
                                                         TicketModel::severityText(severity),
                                                         ticket.value(QStringLiteral("title")).toString(),
                                                         TicketModel::statusText(ticket.value(QStringLiteral("status")).toString())});
            item->setBackground(1, TicketModel::severityColor(severity));
            item->setForeground(1, severity == QLatin1String("MEDIUM") ? Qt::black : Qt::white);
            item->setToolTip(2, ticket.value(QStringLiteral("title")).toString());
        }
        emit nodeShown(nodeId);
    });
}

} // namespace Laces::App
