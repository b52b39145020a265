#include "maintenancequeue.h"

#include "evidencechart.h"
#include "maintenancestream.h"
#include "resolvedialog.h"
#include "session.h"
#include "ticketdetails.h"
#include "ticketmodel.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <algorithm>

namespace Laces::App {

namespace {

const QStringList kActiveStatuses{QStringLiteral("open"), QStringLiteral("acknowledged"), QStringLiteral("in_progress")};

// Most urgent first (the server's order: priority, then the newest), and the filters again
// on this side so that live tickets that do not match stay out.
class TicketFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    QStringList statuses;
    QStringList severities;
    QString nodeId;
    QString site;
    QString component;
    QString text;

    void refilter() { invalidateFilter(); }

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override
    {
        const double a = left.data(TicketModel::PriorityRole).toDouble();
        const double b = right.data(TicketModel::PriorityRole).toDouble();
        if (a != b)
            return a < b;
        return left.data(TicketModel::OpenedMsRole).toLongLong() < right.data(TicketModel::OpenedMsRole).toLongLong();
    }

    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        const QJsonObject ticket = sourceModel()->index(sourceRow, 0, sourceParent).data(TicketModel::TicketRole).toJsonObject();
        const auto field = [&](const char *key) { return ticket.value(QLatin1String(key)).toString(); };
        if (!statuses.isEmpty() && !statuses.contains(field("status")))
            return false;
        if (!severities.isEmpty() && !severities.contains(field("severity")))
            return false;
        if (!nodeId.isEmpty() && field("node_id") != nodeId)
            return false;
        // Live summaries carry no site: those rows are fetched in full before they show.
        if (!site.isEmpty() && field("site") != site)
            return false;
        if (!component.isEmpty() && field("component") != component)
            return false;
        if (text.isEmpty())
            return true;
        for (const char *key : {"title", "node_name", "site", "component", "assignee", "description", "cause"}) {
            if (field(key).contains(text, Qt::CaseInsensitive))
                return true;
        }
        return QString::number(ticket.value(QStringLiteral("number")).toInt()) == text;
    }
};

TicketFilter *filterOf(QSortFilterProxyModel *proxy)
{
    return static_cast<TicketFilter *>(proxy);
}

QStringList splitCodes(const QString &codes)
{
    return codes.split(QLatin1Char(','), Qt::SkipEmptyParts);
}

} // namespace

MaintenanceQueue::MaintenanceQueue(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new TicketModel(this))
    , m_proxy(new TicketFilter(this))
    , m_view(new QTableView(this))
    , m_details(new TicketDetails(session, this))
    , m_status(new QComboBox(this))
    , m_severity(new QComboBox(this))
    , m_node(new QComboBox(this))
    , m_site(new QComboBox(this))
    , m_component(new QLineEdit(this))
    , m_text(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_message(new QLabel(this))
    , m_comment(new QLineEdit(this))
{
    setObjectName(QStringLiteral("maintenanceQueue"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setDynamicSortFilter(true);
    m_proxy->sort(0, Qt::DescendingOrder);
    m_view->setObjectName(QStringLiteral("tickets"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setSectionResizeMode(TicketModel::Title, QHeaderView::Stretch);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setMinimumSectionSize(36);
    m_view->setColumnWidth(TicketModel::Number, 40);
    m_view->setColumnWidth(TicketModel::Severity, 64);
    m_view->setColumnWidth(TicketModel::Node, 118);
    m_view->setColumnWidth(TicketModel::Site, 90);
    m_view->setColumnWidth(TicketModel::Component, 80);
    m_view->setColumnWidth(TicketModel::Status, 92);
    m_view->setColumnWidth(TicketModel::Assignee, 72);
    m_view->setColumnWidth(TicketModel::Age, 48);
    m_view->setColumnWidth(TicketModel::Occurrences, 40);
    m_view->setAccessibleName(tr("Tickets"));

    // Filters.
    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_status->addItem(tr("Active (open, acknowledged, in progress)"), kActiveStatuses.join(QLatin1Char(',')));
    m_status->addItem(tr("Any status"), QString());
    for (const char *status : {"open", "acknowledged", "in_progress", "resolved", "closed", "cancelled"})
        m_status->addItem(TicketModel::statusText(QLatin1String(status)), QLatin1String(status));
    m_severity->setObjectName(QStringLiteral("severityFilter"));
    m_severity->addItem(tr("Any severity"), QString());
    m_severity->addItem(tr("High and critical"), QStringLiteral("HIGH,CRITICAL"));
    m_severity->addItem(tr("Medium and above"), QStringLiteral("MEDIUM,HIGH,CRITICAL"));
    for (const char *severity : {"CRITICAL", "HIGH", "MEDIUM", "LOW"})
        m_severity->addItem(TicketModel::severityText(QLatin1String(severity)), QLatin1String(severity));
    m_node->setObjectName(QStringLiteral("nodeFilter"));
    m_node->addItem(tr("Any machine"), QString());
    m_node->setMinimumContentsLength(14);
    m_node->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_site->setObjectName(QStringLiteral("siteFilter"));
    m_site->addItem(tr("Any site"), QString());
    m_site->setMinimumContentsLength(10);
    m_site->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_component->setObjectName(QStringLiteral("componentFilter"));
    m_component->setPlaceholderText(tr("Component"));
    m_component->setClearButtonEnabled(true);
    m_component->setMaximumWidth(130);
    m_text->setObjectName(QStringLiteral("textFilter"));
    m_text->setPlaceholderText(tr("Search title, machine, assignee…"));
    m_text->setClearButtonEnabled(true);
    auto *reloadButton = new QPushButton(tr("&Reload"), this);
    auto *filters = new QHBoxLayout;
    const auto labelled = [&](const QString &text, QWidget *widget) {
        auto *label = new QLabel(text, this);
        label->setBuddy(widget);
        filters->addWidget(label);
        filters->addWidget(widget);
    };
    labelled(tr("S&tatus:"), m_status);
    labelled(tr("Se&verity:"), m_severity);
    labelled(tr("&Machine:"), m_node);
    labelled(tr("S&ite:"), m_site);
    filters->addWidget(m_component);
    filters->addWidget(m_text, 1);
    filters->addWidget(reloadButton);

    // Actions.
    const struct
    {
        const char *name;
        QString text;
        QString tip;
    } actions[] = {
        {"acknowledge", tr("&Acknowledge"), tr("Someone has seen it and will look at it")},
        {"assign", tr("Assign to &me"), tr("Make yourself the ticket's assignee")},
        {"start", tr("&Start work"), tr("Mark the ticket in progress")},
        {"resolve", tr("Res&olve…"), tr("Say how it was resolved: failure, no fault or preventive")},
        {"close", tr("C&lose"), tr("Close a resolved ticket")},
        {"reopen", tr("Reo&pen"), tr("The problem is back: open the resolved ticket again")},
        {"cancel", tr("Ca&ncel ticket"), tr("Not a real problem, or a duplicate")},
        {"show3d", tr("Show in &3D"), tr("Open the twin at the ticket's version with its component selected")},
        {"telemetry", tr("Te&lemetry"), tr("Open the machine's telemetry")},
    };
    auto *actionRow = new QGridLayout;
    int column = 0;
    for (const auto &action : actions) {
        auto *button = new QPushButton(action.text, this);
        button->setObjectName(QLatin1String(action.name));
        button->setToolTip(action.tip);
        m_actions.insert(QLatin1String(action.name), button);
        actionRow->addWidget(button, column / 5, column % 5);
        ++column;
    }
    m_comment->setObjectName(QStringLiteral("comment"));
    m_comment->setPlaceholderText(tr("Add a comment and press Enter"));
    auto *commentButton = new QPushButton(tr("Co&mment"), this);
    commentButton->setObjectName(QStringLiteral("commentButton"));
    m_actions.insert(QStringLiteral("comment"), commentButton);
    auto *commentRow = new QHBoxLayout;
    commentRow->addWidget(m_comment, 1);
    commentRow->addWidget(commentButton);
    m_message->setObjectName(QStringLiteral("queueMessage"));
    m_message->setWordWrap(true);
    m_message->hide();

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_message);
    rightLayout->addWidget(m_details, 1);
    rightLayout->addLayout(actionRow);
    rightLayout->addLayout(commentRow);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_view, 1);
    leftLayout->addWidget(m_count);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({820, 460});
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);

    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(300);
    connect(&m_reloadTimer, &QTimer::timeout, this, &MaintenanceQueue::reload);
    m_ageTimer.setInterval(60000);
    connect(&m_ageTimer, &QTimer::timeout, this, [this] {
        if (m_model->rowCount() > 0)
            emit m_model->dataChanged(m_model->index(0, TicketModel::Age),
                                      m_model->index(m_model->rowCount() - 1, TicketModel::Age));
    });
    m_ageTimer.start();
    for (QComboBox *box : {m_status, m_severity, m_node, m_site})
        connect(box, &QComboBox::currentIndexChanged, this, [this] { reload(); });
    connect(m_component, &QLineEdit::textChanged, this, [this] { m_reloadTimer.start(); });
    connect(m_text, &QLineEdit::textChanged, this, &MaintenanceQueue::setTextFilter);
    connect(reloadButton, &QPushButton::clicked, this, &MaintenanceQueue::reload);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MaintenanceQueue::selectionChanged);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        m_count->setText(tr("%n ticket(s)", nullptr, rowCount()));
    });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] {
        m_count->setText(tr("%n ticket(s)", nullptr, rowCount()));
    });
    connect(m_details, &TicketDetails::loaded, this, [this](const QJsonObject &ticket) {
        m_model->upsert(ticket);
        updateActions();
    });
    connect(m_details, &TicketDetails::errorOccurred, this, [this](const QString &text) { showMessage(text, true); });

    const auto status = [this](const QString &to) { return QJsonObject{{QStringLiteral("status"), to}}; };
    connect(m_actions.value(QStringLiteral("acknowledge")), &QPushButton::clicked, this,
            [this, status] { patchSelected(status(QStringLiteral("acknowledged"))); });
    connect(m_actions.value(QStringLiteral("start")), &QPushButton::clicked, this,
            [this, status] { patchSelected(status(QStringLiteral("in_progress"))); });
    connect(m_actions.value(QStringLiteral("close")), &QPushButton::clicked, this,
            [this, status] { patchSelected(status(QStringLiteral("closed"))); });
    connect(m_actions.value(QStringLiteral("reopen")), &QPushButton::clicked, this,
            [this, status] { patchSelected(status(QStringLiteral("open"))); });
    connect(m_actions.value(QStringLiteral("cancel")), &QPushButton::clicked, this,
            [this, status] { patchSelected(status(QStringLiteral("cancelled"))); });
    connect(m_actions.value(QStringLiteral("assign")), &QPushButton::clicked, this, [this] {
        patchSelected({{QStringLiteral("assignee_id"), m_session->user().value(QStringLiteral("id"))}});
    });
    connect(m_actions.value(QStringLiteral("resolve")), &QPushButton::clicked, this, &MaintenanceQueue::resolveSelected);
    const auto comment = [this] {
        const QString text = m_comment->text().trimmed();
        if (text.isEmpty() || selectedTicketId().isEmpty())
            return;
        patchSelected({{QStringLiteral("comment"), text}});
    };
    connect(m_actions.value(QStringLiteral("comment")), &QPushButton::clicked, this, comment);
    connect(m_comment, &QLineEdit::returnPressed, this, comment);
    connect(m_actions.value(QStringLiteral("show3d")), &QPushButton::clicked, this, [this] {
        const QJsonObject ticket = m_details->ticket();
        emit showInModelRequested(ticket.value(QStringLiteral("twin_id")).toString(),
                                  ticket.value(QStringLiteral("twin_version_id")).toString(),
                                  ticket.value(QStringLiteral("component")).toString());
    });
    connect(m_actions.value(QStringLiteral("telemetry")), &QPushButton::clicked, this, [this] {
        emit telemetryRequested(m_details->ticket().value(QStringLiteral("node_id")).toString());
    });
    resetSession();
}

void MaintenanceQueue::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_requested)
        reload();
}

void MaintenanceQueue::resetSession()
{
    delete m_stream;
    m_stream = new MaintenanceStream(m_session->client()->baseUrl(), m_session->client()->token(), this);
    connect(m_stream, &MaintenanceStream::ticketChanged, this,
            [this](const QJsonObject &ticket) { refreshTicket(ticket.value(QStringLiteral("id")).toString()); });
    m_model->setTickets({});
    m_details->clear();
    m_requested = false;
    updateActions();
    if (isVisible())
        reload();
}

bool MaintenanceQueue::isLive() const
{
    return m_stream && m_stream->isSubscribed();
}

QString MaintenanceQueue::query() const
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("sort"), QStringLiteral("priority"));
    query.addQueryItem(QStringLiteral("per_page"), QStringLiteral("500"));
    const auto add = [&query](const char *key, const QString &value) {
        if (!value.isEmpty())
            query.addQueryItem(QLatin1String(key), QString::fromUtf8(QUrl::toPercentEncoding(value)));
    };
    add("status", m_status->currentData().toString());
    add("severity", m_severity->currentData().toString());
    add("node_id", m_node->currentData().toString());
    add("site", m_site->currentData().toString());
    add("component", m_component->text().trimmed());
    return QStringLiteral("/maintenance/tickets?") + query.toString(QUrl::FullyEncoded);
}

void MaintenanceQueue::reload()
{
    m_requested = true;
    if (!m_session->client()->isAuthenticated())
        return;
    if (!m_session->can(QStringLiteral("maintenance.view"))) {
        m_model->setTickets({});
        showMessage(tr("Your role (%1) cannot see maintenance tickets.").arg(m_session->role()), true);
        updateActions();
        emit loaded();
        return;
    }
    m_stream->start();
    if (m_node->count() <= 1)
        loadNodes();
    auto *filter = filterOf(m_proxy);
    filter->statuses = splitCodes(m_status->currentData().toString());
    filter->severities = splitCodes(m_severity->currentData().toString());
    filter->nodeId = m_node->currentData().toString();
    filter->site = m_site->currentData().toString();
    filter->component = m_component->text().trimmed();
    const int generation = ++m_generation;
    const QString selected = selectedTicketId();
    m_session->client()->send("GET", query(), nullptr, this,
                              [this, generation, selected](const QJsonObject &answer, const ApiError *error) {
        if (generation != m_generation)
            return;
        if (error) {
            showMessage(tr("The tickets could not be loaded: %1").arg(error->describe()), true);
            emit errorOccurred(error->describe());
            emit loaded();
            return;
        }
        QList<QJsonObject> tickets;
        for (const QJsonValue &value : answer.value(QStringLiteral("items")).toArray())
            tickets.append(value.toObject());
        filterOf(m_proxy)->refilter();
        m_model->setTickets(tickets);
        if (!selected.isEmpty() && !selectTicket(selected))
            m_details->clear();
        const int total = answer.value(QStringLiteral("total")).toInt();
        m_count->setText(total > tickets.size() ? tr("%1 of %2 tickets").arg(tickets.size()).arg(total)
                                                : tr("%n ticket(s)", nullptr, int(tickets.size())));
        updateActions();
        emit loaded();
    });
}

void MaintenanceQueue::loadNodes()
{
    m_session->client()->send("GET", QStringLiteral("/nodes?per_page=500"), nullptr, this,
                              [this](const QJsonObject &answer, const ApiError *error) {
        if (error || m_node->count() > 1)
            return;
        QList<QPair<QString, QString>> nodes;
        QStringList sites;
        for (const QJsonValue &value : answer.value(QStringLiteral("items")).toArray()) {
            const QJsonObject node = value.toObject();
            nodes.append({node.value(QStringLiteral("name")).toString(), node.value(QStringLiteral("id")).toString()});
            const QString site = node.value(QStringLiteral("site")).toString();
            if (!site.isEmpty() && !sites.contains(site))
                sites.append(site);
        }
        std::sort(nodes.begin(), nodes.end());
        sites.sort();
        const QSignalBlocker nodeBlocker(m_node);
        const QSignalBlocker siteBlocker(m_site);
        for (const auto &[name, id] : std::as_const(nodes))
            m_node->addItem(name, id);
        for (const QString &site : std::as_const(sites))
            m_site->addItem(site, site);
    });
}

void MaintenanceQueue::setStatusFilter(const QStringList &statuses)
{
    const QString codes = statuses.join(QLatin1Char(','));
    int index = m_status->findData(codes);
    if (index < 0) {
        m_status->addItem(codes, codes);
        index = m_status->count() - 1;
    }
    if (index == m_status->currentIndex())
        reload();
    else
        m_status->setCurrentIndex(index);
}

void MaintenanceQueue::setSeverityFilter(const QStringList &severities)
{
    const QString codes = severities.join(QLatin1Char(','));
    int index = m_severity->findData(codes);
    if (index < 0) {
        m_severity->addItem(codes, codes);
        index = m_severity->count() - 1;
    }
    if (index == m_severity->currentIndex())
        reload();
    else
        m_severity->setCurrentIndex(index);
}

void MaintenanceQueue::setTextFilter(const QString &text)
{
    if (m_text->text() != text)
        m_text->setText(text);  // comes back here
    filterOf(m_proxy)->text = text.trimmed();
    filterOf(m_proxy)->refilter();
    m_count->setText(tr("%n ticket(s)", nullptr, rowCount()));
}

int MaintenanceQueue::rowCount() const
{
    return m_proxy->rowCount();
}

QJsonObject MaintenanceQueue::ticketAt(int row) const
{
    return m_proxy->index(row, 0).data(TicketModel::TicketRole).toJsonObject();
}

QString MaintenanceQueue::statusAt(int row) const
{
    return m_proxy->index(row, TicketModel::Status).data().toString();
}

int MaintenanceQueue::rowOfTicket(const QString &id) const
{
    const int source = m_model->rowOf(id);
    return source < 0 ? -1 : m_proxy->mapFromSource(m_model->index(source, 0)).row();
}

bool MaintenanceQueue::selectTicket(const QString &id)
{
    const int row = rowOfTicket(id);
    if (row < 0)
        return false;
    m_view->setCurrentIndex(m_proxy->index(row, 0));
    m_view->scrollTo(m_proxy->index(row, 0));
    return true;
}

QString MaintenanceQueue::selectedTicketId() const
{
    return m_view->currentIndex().isValid() ? m_view->currentIndex().data(TicketModel::IdRole).toString() : QString();
}

QPushButton *MaintenanceQueue::actionButton(const QString &action) const
{
    return m_actions.value(action);
}

QString MaintenanceQueue::message() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void MaintenanceQueue::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: #b00020; font-weight: bold; }")
                                   : QStringLiteral("QLabel { color: #1b7f3b; }"));
    m_message->setVisible(!text.isEmpty());
}

void MaintenanceQueue::selectionChanged()
{
    const QString id = selectedTicketId();
    showMessage({}, false);
    if (id.isEmpty()) {
        m_details->clear();
    } else if (id != m_details->ticketId()) {
        m_details->showTicket(m_model->ticketAt(m_model->rowOf(id)));
        m_comment->clear();
    }
    updateActions();
}

void MaintenanceQueue::refreshTicket(const QString &id)
{
    m_session->client()->send("GET", QStringLiteral("/maintenance/tickets/") + id, nullptr, this,
                              [this, id](const QJsonObject &ticket, const ApiError *error) {
        if (error)
            return;  // gone, or not ours to see: the next reload says
        QJsonObject row = ticket;
        row.remove(QStringLiteral("events"));
        m_model->upsert(row);
        if (m_details->ticketId() == id) {
            m_details->setTicket(ticket);
            updateActions();
        }
        emit ticketRefreshed(id);
    });
}

void MaintenanceQueue::updateActions()
{
    const QJsonObject ticket = m_details->ticket();
    const QString status = ticket.value(QStringLiteral("status")).toString();
    const bool selected = !ticket.isEmpty();
    const bool canWork = m_session->can(QStringLiteral("maintenance.work"));
    const bool active = kActiveStatuses.contains(status);
    const QString me = m_session->user().value(QStringLiteral("id")).toString();
    const auto enable = [&](const char *name, bool allowed) {
        QPushButton *button = m_actions.value(QLatin1String(name));
        button->setEnabled(selected && canWork && allowed);
    };
    enable("acknowledge", status == QLatin1String("open"));
    enable("assign", active && ticket.value(QStringLiteral("assignee_id")).toString() != me && !me.isEmpty());
    enable("start", status == QLatin1String("open") || status == QLatin1String("acknowledged"));
    enable("resolve", active);
    enable("close", status == QLatin1String("resolved"));
    enable("reopen", status == QLatin1String("resolved"));
    enable("cancel", active);
    enable("comment", true);
    m_comment->setEnabled(selected && canWork);
    m_actions.value(QStringLiteral("show3d"))->setEnabled(selected && !ticket.value(QStringLiteral("twin_id")).toString().isEmpty());
    m_actions.value(QStringLiteral("telemetry"))->setEnabled(selected && !ticket.value(QStringLiteral("node_id")).toString().isEmpty());
    const QString why = canWork ? QString() : tr("Your role can look at tickets but not work on them.");
    for (const char *name : {"acknowledge", "assign", "start", "resolve", "close", "reopen", "cancel", "comment"})
        m_actions.value(QLatin1String(name))->setStatusTip(why);
    m_comment->setToolTip(why);
}

void MaintenanceQueue::resolveSelected()
{
    const QJsonObject ticket = m_details->ticket();
    if (ticket.isEmpty())
        return;
    ResolveDialog dialog(ticket.value(QStringLiteral("title")).toString(),
                         ticket.value(QStringLiteral("component")).toString(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    patchSelected({{QStringLiteral("status"), QStringLiteral("resolved")}, {QStringLiteral("resolution"), dialog.resolution()}});
}

void MaintenanceQueue::patchSelected(const QJsonObject &body)
{
    const QString id = selectedTicketId();
    if (id.isEmpty())
        return;
    const int number = m_model->ticketAt(m_model->rowOf(id)).value(QStringLiteral("number")).toInt();
    m_session->client()->send("PATCH", QStringLiteral("/maintenance/tickets/") + id, &body, this,
                              [this, id, number, body](const QJsonObject &ticket, const ApiError *error) {
        if (error) {
            QString text;
            if (error->status == 409)
                text = tr("Ticket #%1 cannot make that change now: %2").arg(number).arg(error->message);
            else if (error->status == 403)
                text = tr("Your role may not change tickets: %1").arg(error->message);
            else
                text = tr("Ticket #%1 was not changed: %2").arg(number).arg(error->describe());
            showMessage(text, true);
            emit actionFinished(false, text);
            refreshTicket(id);  // what the server has now
            return;
        }
        m_model->upsert(ticket);
        if (body.contains(QStringLiteral("comment")))
            m_comment->clear();
        const QString text = tr("Ticket #%1 is %2.").arg(number).arg(
            TicketModel::statusText(ticket.value(QStringLiteral("status")).toString()));
        showMessage(text, false);
        if (m_details->ticketId() == id)
            m_details->showTicket(ticket);  // with the new event
        updateActions();
        emit actionFinished(true, text);
    });
}

} // namespace Laces::App
