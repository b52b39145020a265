#include "historypanel.h"

#include "session.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Laces::App {

namespace {
QString shown(const QJsonValue &value)
{
    if (value.isString())
        return value.toString().toHtmlEscaped();
    QJsonArray wrapped{value};
    return QString::fromUtf8(QJsonDocument(wrapped).toJson(QJsonDocument::Compact)).mid(1).chopped(1).toHtmlEscaped();
}
} // namespace

HistoryPanel::HistoryPanel(Session *session, QString twinId, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_twinId(std::move(twinId))
    , m_list(new QTreeWidget(this))
    , m_diff(new QTextBrowser(this))
    , m_open(new QPushButton(tr("Open"), this))
    , m_compare(new QPushButton(tr("Compare"), this))
    , m_restore(new QPushButton(tr("Restore"), this))
    , m_tag(new QPushButton(tr("Tag…"), this))
{
    m_list->setObjectName(QStringLiteral("versions"));
    m_list->setHeaderLabels({tr("Version"), tr("Message"), tr("Author"), tr("Date"), tr("Tags")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->header()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_diff->setObjectName(QStringLiteral("diff"));
    m_diff->setPlaceholderText(tr("Select two versions and press Compare."));
    m_open->setToolTip(tr("Show this version (read-only unless it is the latest)"));
    m_compare->setObjectName(QStringLiteral("compare"));

    auto *buttons = new QHBoxLayout;
    for (QPushButton *button : {m_open, m_compare, m_restore, m_tag})
        buttons->addWidget(button);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list, 3);
    layout->addLayout(buttons);
    layout->addWidget(m_diff, 2);

    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &HistoryPanel::updateButtons);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this,
            [this](QTreeWidgetItem *item) { emit openRequested(item->data(0, Qt::UserRole).toString()); });
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (selectedIds().size() == 1)
            emit openRequested(selectedIds().first());
    });
    connect(m_compare, &QPushButton::clicked, this, &HistoryPanel::showDiff);
    connect(m_restore, &QPushButton::clicked, this, &HistoryPanel::restoreSelected);
    connect(m_tag, &QPushButton::clicked, this, &HistoryPanel::tagSelected);
    updateButtons();
}

void HistoryPanel::setEditable(bool editable)
{
    m_editable = editable;
    updateButtons();
}

QStringList HistoryPanel::selectedIds() const
{
    QStringList ids;
    const QList<QTreeWidgetItem *> items = m_list->selectedItems();
    for (QTreeWidgetItem *item : items)
        ids.append(item->data(0, Qt::UserRole).toString());
    return ids;
}

QStringList HistoryPanel::versionIds() const
{
    QStringList ids;
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        ids.append(m_list->topLevelItem(i)->data(0, Qt::UserRole).toString());
    return ids;
}

void HistoryPanel::updateButtons()
{
    const int selected = int(m_list->selectedItems().size());
    const bool mayVersion = m_session->can(QStringLiteral("twins.version"));
    m_open->setEnabled(selected == 1);
    m_compare->setEnabled(selected == 2);
    m_restore->setEnabled(selected == 1 && mayVersion && m_editable);
    m_tag->setEnabled(selected == 1 && mayVersion && m_editable);
    if (!mayVersion) {
        m_restore->setToolTip(tr("Your role cannot create versions."));
        m_tag->setToolTip(tr("Your role cannot create versions."));
    }
}

void HistoryPanel::reload()
{
    m_session->client()->send("GET", QStringLiteral("/twins/%1/versions?per_page=200").arg(m_twinId), nullptr, this,
                              [this](const QJsonObject &page, const ApiError *error) {
                                  if (error) {
                                      m_diff->setPlainText(error->describe());
                                      return;
                                  }
                                  m_list->clear();
                                  for (const QJsonValue &value : page.value(QStringLiteral("items")).toArray()) {
                                      const QJsonObject version = value.toObject();
                                      QStringList tags;
                                      for (const QJsonValue &tag : version.value(QStringLiteral("tags")).toArray())
                                          tags.append(tag.toString());
                                      const QDateTime created = QDateTime::fromString(
                                          version.value(QStringLiteral("created_at")).toString(), Qt::ISODate);
                                      auto *item = new QTreeWidgetItem(
                                          m_list, {QString::number(version.value(QStringLiteral("number")).toInt()),
                                                   version.value(QStringLiteral("message")).toString(),
                                                   version.value(QStringLiteral("author")).toObject()
                                                       .value(QStringLiteral("username")).toString(),
                                                   QLocale().toString(created.toLocalTime(), QLocale::ShortFormat),
                                                   tags.join(QStringLiteral(", "))});
                                      item->setData(0, Qt::UserRole, version.value(QStringLiteral("id")).toString());
                                      if (version.value(QStringLiteral("is_latest")).toBool()) {
                                          QFont bold = item->font(0);
                                          bold.setBold(true);
                                          item->setFont(0, bold);
                                      }
                                  }
                                  updateButtons();
                                  emit loaded();
                              });
}

void HistoryPanel::showDiff()
{
    QStringList ids = selectedIds();
    if (ids.size() != 2)
        return;
    // Older first: the list is newest first.
    if (versionIds().indexOf(ids[0]) < versionIds().indexOf(ids[1]))
        std::swap(ids[0], ids[1]);
    m_session->client()->send(
        "GET", QStringLiteral("/twins/%1/versions/%2/diff/%3").arg(m_twinId, ids[0], ids[1]), nullptr, this,
        [this](const QJsonObject &diff, const ApiError *error) {
            if (error) {
                m_diff->setPlainText(error->describe());
                return;
            }
            QString html = QStringLiteral("<p><b>%1</b></p>")
                               .arg(diff.value(QStringLiteral("model_changed")).toBool() ? tr("Model changed")
                                                                                          : tr("Model unchanged"));
            const QJsonObject components = diff.value(QStringLiteral("components")).toObject();
            for (const QJsonValue &name : components.value(QStringLiteral("added")).toArray())
                html += QStringLiteral("<div style='color:#1b7f3b'>+ %1</div>").arg(name.toString().toHtmlEscaped());
            for (const QJsonValue &name : components.value(QStringLiteral("removed")).toArray())
                html += QStringLiteral("<div style='color:#b00020'>− %1</div>").arg(name.toString().toHtmlEscaped());
            for (const QJsonValue &change : components.value(QStringLiteral("changed")).toArray())
                html += QStringLiteral("<div>~ %1</div>")
                            .arg(change.toObject().value(QStringLiteral("name")).toString().toHtmlEscaped());
            const QJsonObject properties = diff.value(QStringLiteral("properties")).toObject();
            const QJsonObject added = properties.value(QStringLiteral("added")).toObject();
            for (auto it = added.begin(); it != added.end(); ++it)
                html += QStringLiteral("<div style='color:#1b7f3b'>+ %1 = %2</div>").arg(it.key().toHtmlEscaped(), shown(it.value()));
            const QJsonObject removed = properties.value(QStringLiteral("removed")).toObject();
            for (auto it = removed.begin(); it != removed.end(); ++it)
                html += QStringLiteral("<div style='color:#b00020'>− %1</div>").arg(it.key().toHtmlEscaped());
            for (const QJsonValue &value : properties.value(QStringLiteral("changed")).toArray()) {
                const QJsonObject change = value.toObject();
                html += QStringLiteral("<div>~ %1: %2 → %3</div>")
                            .arg(change.value(QStringLiteral("key")).toString().toHtmlEscaped(),
                                 shown(change.value(QStringLiteral("from"))), shown(change.value(QStringLiteral("to"))));
            }
            m_diff->setHtml(html);
        });
}

void HistoryPanel::restoreSelected()
{
    const QStringList ids = selectedIds();
    if (ids.size() != 1)
        return;
    m_session->client()->send("POST", QStringLiteral("/twins/%1/versions/%2/restore").arg(m_twinId, ids.first()),
                              nullptr, this, [this](const QJsonObject &version, const ApiError *error) {
                                  if (error) {
                                      QMessageBox::warning(this, tr("Cannot restore"), error->describe());
                                      return;
                                  }
                                  reload();
                                  emit versionCreated(version.value(QStringLiteral("id")).toString());
                              });
}

void HistoryPanel::tagSelected()
{
    const QStringList ids = selectedIds();
    if (ids.size() != 1)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Tag version"), tr("Tag name:"), QLineEdit::Normal, QString(), &ok)
                             .trimmed();
    if (!ok || name.isEmpty())
        return;
    const QJsonObject body{{QStringLiteral("version_id"), ids.first()}};
    m_session->client()->send("PUT", QStringLiteral("/twins/%1/tags/%2").arg(m_twinId, QString::fromLatin1(QUrl::toPercentEncoding(name))),
                              &body, this, [this](const QJsonObject &, const ApiError *error) {
                                  if (error) {
                                      QMessageBox::warning(this, tr("Cannot tag"), error->describe());
                                      return;
                                  }
                                  reload();
                              });
}

} // namespace Laces::App
