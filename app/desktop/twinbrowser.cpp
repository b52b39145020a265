#include "twinbrowser.h"

#include "session.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace Laces::App {

namespace {
enum Column { NameColumn, ComponentsColumn, VersionColumn, UpdatedColumn, ColumnCount };
const char *const kSortKeys[] = {"name", nullptr, nullptr, "updated_at"};
} // namespace

TwinBrowser::TwinBrowser(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_search(new QLineEdit(this))
    , m_table(new QTableView(this))
    , m_model(new QStandardItemModel(0, ColumnCount, this))
    , m_create(new QPushButton(tr("&New twin…"), this))
    , m_delete(new QPushButton(tr("&Delete"), this))
    , m_open(new QPushButton(tr("&Open"), this))
    , m_previous(new QPushButton(tr("Previous"), this))
    , m_next(new QPushButton(tr("Next"), this))
    , m_pageLabel(new QLabel(this))
    , m_searchDelay(new QTimer(this))
{
    m_search->setPlaceholderText(tr("Search twins by name"));
    m_search->setClearButtonEnabled(true);
    m_search->setObjectName(QStringLiteral("search"));
    m_model->setHorizontalHeaderLabels({tr("Name"), tr("Components"), tr("Version"), tr("Updated")});
    m_table->setModel(m_model);
    m_table->setObjectName(QStringLiteral("twins"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->horizontalHeader()->setSortIndicator(NameColumn, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_create->setObjectName(QStringLiteral("create"));
    m_delete->setObjectName(QStringLiteral("delete"));
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);

    auto *top = new QHBoxLayout;
    top->addWidget(m_search, 1);
    top->addWidget(m_open);
    top->addWidget(m_create);
    top->addWidget(m_delete);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_pageLabel, 1);
    bottom->addWidget(m_previous);
    bottom->addWidget(m_next);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    layout->addLayout(bottom);

    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, [this] {
        m_page = 1;
        reload();
    });
    connect(m_previous, &QPushButton::clicked, this, [this] {
        m_page = qMax(1, m_page - 1);
        reload();
    });
    connect(m_next, &QPushButton::clicked, this, [this] {
        ++m_page;
        reload();
    });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int section) {
        if (!kSortKeys[section]) {
            m_table->horizontalHeader()->setSortIndicator(m_sort == QLatin1String("name") ? NameColumn : UpdatedColumn,
                                                          m_descending ? Qt::DescendingOrder : Qt::AscendingOrder);
            return;
        }
        const QString key = QLatin1String(kSortKeys[section]);
        m_descending = key == m_sort ? !m_descending : false;
        m_sort = key;
        m_table->horizontalHeader()->setSortIndicator(section, m_descending ? Qt::DescendingOrder : Qt::AscendingOrder);
        reload();
    });
    connect(m_create, &QPushButton::clicked, this, &TwinBrowser::createTwin);
    const auto openSelected = [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows(NameColumn);
        if (!rows.isEmpty())
            emit openRequested(rows.first().data(Qt::UserRole + 1).toJsonObject());
    };
    connect(m_open, &QPushButton::clicked, this, openSelected);
    connect(m_table, &QTableView::doubleClicked, this, openSelected);
    connect(m_delete, &QPushButton::clicked, this, &TwinBrowser::deleteSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TwinBrowser::updatePermissions);
    updatePermissions();
}

void TwinBrowser::updatePermissions()
{
    m_create->setEnabled(m_session->can(QStringLiteral("twins.create")));
    m_create->setToolTip(m_create->isEnabled() ? QString() : tr("Your role cannot create twins."));
    const bool selected = m_table->selectionModel()->hasSelection();
    m_open->setEnabled(selected);
    m_delete->setEnabled(selected && m_session->can(QStringLiteral("twins.delete")));
    m_delete->setToolTip(m_session->can(QStringLiteral("twins.delete")) ? QString() : tr("Your role cannot delete twins."));
}

int TwinBrowser::rowCount() const
{
    return m_model->rowCount();
}

QString TwinBrowser::nameAt(int row) const
{
    return m_model->item(row, NameColumn)->text();
}

void TwinBrowser::selectRow(int row)
{
    m_table->selectRow(row);
}

void TwinBrowser::reload()
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("page"), QString::number(m_page));
    query.addQueryItem(QStringLiteral("per_page"), QString::number(m_perPage));
    query.addQueryItem(QStringLiteral("sort"), m_sort);
    query.addQueryItem(QStringLiteral("order"), m_descending ? QStringLiteral("desc") : QStringLiteral("asc"));
    if (!m_search->text().trimmed().isEmpty())
        query.addQueryItem(QStringLiteral("search"), m_search->text().trimmed());
    m_session->client()->listTwins(query, this, [this](const QJsonObject &page, const ApiError *error) {
        if (error) {
            emit errorOccurred(error->describe());
            return;
        }
        showPage(page);
        emit loaded();
    });
}

void TwinBrowser::showPage(const QJsonObject &page)
{
    m_model->removeRows(0, m_model->rowCount());
    const QJsonArray items = page.value(QStringLiteral("items")).toArray();
    for (const QJsonValue &value : items) {
        const QJsonObject twin = value.toObject();
        auto *name = new QStandardItem(twin.value(QStringLiteral("name")).toString());
        name->setData(twin.value(QStringLiteral("id")).toString(), Qt::UserRole);
        name->setData(twin, Qt::UserRole + 1);
        name->setToolTip(twin.value(QStringLiteral("description")).toString());
        auto *components = new QStandardItem(QString::number(twin.value(QStringLiteral("component_count")).toInt()));
        const QJsonValue version = twin.value(QStringLiteral("latest_version_number"));
        auto *versionItem = new QStandardItem(version.isNull() ? tr("none") : QString::number(version.toInt()));
        const QDateTime updated = QDateTime::fromString(twin.value(QStringLiteral("updated_at")).toString(), Qt::ISODate);
        auto *updatedItem = new QStandardItem(QLocale().toString(updated.toLocalTime(), QLocale::ShortFormat));
        m_model->appendRow({name, components, versionItem, updatedItem});
    }
    m_total = page.value(QStringLiteral("total")).toInt();
    const int pages = qMax(1, (m_total + m_perPage - 1) / m_perPage);
    m_pageLabel->setText(tr("%n twin(s), page %1 of %2", nullptr, m_total).arg(m_page).arg(pages));
    m_previous->setEnabled(m_page > 1);
    m_next->setEnabled(m_page < pages);
    updatePermissions();
}

void TwinBrowser::createTwin()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New twin"), tr("Name of the new twin:"), QLineEdit::Normal,
                                               QString(), &ok).trimmed();
    if (!ok || name.isEmpty())
        return;
    m_session->client()->createTwin({{QStringLiteral("name"), name}}, this,
                                    [this](const QJsonObject &, const ApiError *error) {
                                        if (error) {
                                            QMessageBox::warning(this, tr("Cannot create the twin"), error->describe());
                                            return;
                                        }
                                        reload();
                                    });
}

void TwinBrowser::deleteSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows(NameColumn);
    if (rows.isEmpty())
        return;
    const QString id = rows.first().data(Qt::UserRole).toString();
    const QString name = rows.first().data().toString();
    if (QMessageBox::question(this, tr("Delete twin"),
                              tr("Delete the twin \"%1\" with all its versions? This cannot be undone.").arg(name))
        != QMessageBox::Yes)
        return;
    m_session->client()->deleteTwin(id, this, [this](const QJsonObject &, const ApiError *error) {
        if (error) {
            QMessageBox::warning(this, tr("Cannot delete the twin"), error->describe());
            return;
        }
        reload();
    });
}

} // namespace Laces::App
