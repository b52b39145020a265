#include "propertiespanel.h"

#include "session.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QPointer>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

namespace Laces::App {

namespace {

// Cells show JSON scalars as typed: 3600 is a number, true a boolean, anything that does
// not read as JSON a string.
QJsonValue parseCell(const QString &text)
{
    const QByteArray wrapped = "[" + text.trimmed().toUtf8() + "]";
    const QJsonDocument document = QJsonDocument::fromJson(wrapped);
    if (document.isArray() && document.array().size() == 1)
        return document.array().at(0);
    return text;
}

QString showCell(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

} // namespace

class PropertyCommand : public QUndoCommand
{
public:
    PropertyCommand(PropertiesPanel *panel, QString scope, QString key, QJsonValue before, QJsonValue after)
        : m_panel(panel), m_scope(std::move(scope)), m_key(std::move(key)), m_before(std::move(before)),
          m_after(std::move(after))
    {
        setText(m_after.isUndefined() || m_after.isNull()
                    ? PropertiesPanel::tr("remove %1").arg(m_key)
                    : PropertiesPanel::tr("set %1").arg(m_key));
    }
    void redo() override { m_panel->apply(m_scope, m_key, m_after); }
    void undo() override { m_panel->apply(m_scope, m_key, m_before); }

private:
    PropertiesPanel *m_panel;
    QString m_scope;
    QString m_key;
    QJsonValue m_before;
    QJsonValue m_after;
};

PropertiesPanel::PropertiesPanel(Session *session, QString twinId, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_twinId(std::move(twinId))
    , m_undo(new QUndoStack(this))
    , m_twinTable(new QTableWidget(0, 2, this))
    , m_componentTable(new QTableWidget(0, 2, this))
    , m_componentLabel(new QLabel(this))
    , m_save(new QPushButton(tr("Save as new version…"), this))
    , m_notice(new QLabel(this))
{
    m_notice->setObjectName(QStringLiteral("editNotice"));
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_notice->hide();
    m_twinTable->setObjectName(QStringLiteral("twinProperties"));
    m_componentTable->setObjectName(QStringLiteral("componentProperties"));
    m_save->setObjectName(QStringLiteral("save"));
    for (QTableWidget *table : {m_twinTable, m_componentTable}) {
        table->setHorizontalHeaderLabels({tr("Property"), tr("Value")});
        table->horizontalHeader()->setStretchLastSection(true);
        table->verticalHeader()->hide();
    }
    auto *addTwin = new QPushButton(tr("Add"), this);
    auto *addComponent = new QPushButton(tr("Add"), this);
    auto *undo = new QPushButton(tr("Undo"), this);
    auto *redo = new QPushButton(tr("Redo"), this);
    connect(undo, &QPushButton::clicked, m_undo, &QUndoStack::undo);
    connect(redo, &QPushButton::clicked, m_undo, &QUndoStack::redo);
    connect(m_undo, &QUndoStack::canUndoChanged, undo, &QWidget::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, redo, &QWidget::setEnabled);
    connect(m_undo, &QUndoStack::cleanChanged, this,
            [this](bool clean) { m_save->setEnabled(m_editable && m_blocked.isEmpty() && !clean); });
    undo->setEnabled(false);
    redo->setEnabled(false);
    m_save->setEnabled(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_notice);
    layout->addWidget(new QLabel(tr("<b>Twin</b>"), this));
    layout->addWidget(m_twinTable, 1);
    layout->addWidget(addTwin, 0, Qt::AlignRight);
    layout->addWidget(m_componentLabel);
    layout->addWidget(m_componentTable, 1);
    layout->addWidget(addComponent, 0, Qt::AlignRight);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(undo);
    buttons->addWidget(redo);
    buttons->addStretch();
    buttons->addWidget(m_save);
    layout->addLayout(buttons);

    connect(m_twinTable, &QTableWidget::cellChanged, this,
            [this](int row, int column) { onCellChanged(m_twinTable, QString(), row, column); });
    connect(m_componentTable, &QTableWidget::cellChanged, this,
            [this](int row, int column) { onCellChanged(m_componentTable, m_component, row, column); });
    connect(addTwin, &QPushButton::clicked, this, [this] { addRow(m_twinTable, QString()); });
    connect(addComponent, &QPushButton::clicked, this, [this] {
        if (!m_component.isEmpty())
            addRow(m_componentTable, m_component);
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString message = QInputDialog::getText(this, tr("Save"), tr("Describe the change:"), QLineEdit::Normal,
                                                      QString(), &ok);
        if (ok && !message.trimmed().isEmpty())
            save(message.trimmed());
    });
    refresh();
}

void PropertiesPanel::setVersion(const QJsonObject &version, bool editable)
{
    m_versionId = version.value(QStringLiteral("id")).toString();
    m_editable = editable && m_session->can(QStringLiteral("twins.version"));
    m_twinProperties = version.value(QStringLiteral("properties")).toObject();
    m_originalTwinProperties = m_twinProperties;
    m_blocked.clear();
    m_notice->hide();
    m_componentProperties.clear();
    for (const QJsonValue &component : version.value(QStringLiteral("components")).toArray())
        m_componentProperties.insert(component.toObject().value(QStringLiteral("name")).toString(),
                                     component.toObject().value(QStringLiteral("properties")).toObject());
    m_originalComponentProperties = m_componentProperties;
    m_undo->clear();
    m_save->setEnabled(false);
    refresh();
}

void PropertiesPanel::setComponent(const QString &name)
{
    m_component = m_componentProperties.contains(name) ? name : QString();
    refresh();
}

QJsonObject PropertiesPanel::properties(const QString &scope) const
{
    return scope.isEmpty() ? m_twinProperties : m_componentProperties.value(scope);
}

bool PropertiesPanel::hasChanges() const
{
    return !m_undo->isClean();
}

void PropertiesPanel::setProperty(const QString &scope, const QString &key, const QJsonValue &value)
{
    const QJsonValue before = properties(scope).value(key);
    if (before == value)
        return;
    m_undo->push(new PropertyCommand(this, scope, key, before, value));
}

void PropertiesPanel::apply(const QString &scope, const QString &key, const QJsonValue &value)
{
    QJsonObject &target = scope.isEmpty() ? m_twinProperties : m_componentProperties[scope];
    if (value.isUndefined() || value.isNull())
        target.remove(key);
    else
        target.insert(key, value);
    refresh();
    emit edited(scope, key, value.isUndefined() ? QJsonValue(QJsonValue::Null) : value);
}

void PropertiesPanel::showRemoteChange(const QString &scope, const QString &key, const QJsonValue &value)
{
    if (!scope.isEmpty() && !m_componentProperties.contains(scope))
        return;
    QJsonObject &current = scope.isEmpty() ? m_twinProperties : m_componentProperties[scope];
    QJsonObject &original = scope.isEmpty() ? m_originalTwinProperties : m_originalComponentProperties[scope];
    const bool mine = current.value(key) != original.value(key);
    for (QJsonObject *target : mine ? QList<QJsonObject *>{&original} : QList<QJsonObject *>{&current, &original}) {
        if (value.isUndefined() || value.isNull())
            target->remove(key);
        else
            target->insert(key, value);
    }
    refresh();
}

void PropertiesPanel::blockEditing(const QString &why)
{
    m_blocked = why;
    m_notice->setText(why);
    m_notice->show();
    m_save->setEnabled(false);
    refresh();
}

void PropertiesPanel::fill(QTableWidget *table, const QJsonObject &object)
{
    table->setRowCount(0);
    for (auto it = object.begin(); it != object.end(); ++it) {
        const int row = table->rowCount();
        table->insertRow(row);
        auto *key = new QTableWidgetItem(it.key());
        key->setFlags(key->flags() & ~Qt::ItemIsEditable);
        auto *value = new QTableWidgetItem(showCell(it.value()));
        if (!m_editable || !m_blocked.isEmpty())
            value->setFlags(value->flags() & ~Qt::ItemIsEditable);
        table->setItem(row, 0, key);
        table->setItem(row, 1, value);
    }
}

void PropertiesPanel::refresh()
{
    m_refreshing = true;
    fill(m_twinTable, m_twinProperties);
    fill(m_componentTable, m_component.isEmpty() ? QJsonObject() : m_componentProperties.value(m_component));
    m_componentTable->setEnabled(!m_component.isEmpty());
    m_componentLabel->setText(m_component.isEmpty() ? tr("<b>Component</b>: select one in the tree or the view")
                                                    : tr("<b>Component</b>: %1").arg(m_component.toHtmlEscaped()));
    m_refreshing = false;
}

void PropertiesPanel::onCellChanged(QTableWidget *table, const QString &scope, int row, int column)
{
    if (m_refreshing || column != 1)
        return;
    const QString key = table->item(row, 0)->text();
    const QString text = table->item(row, 1)->text();
    // An emptied value removes the property.
    const QJsonValue value = text.trimmed().isEmpty() ? QJsonValue(QJsonValue::Null) : parseCell(text);
    QMetaObject::invokeMethod(this, [this, scope, key, value] { requestChange(scope, key, value); }, Qt::QueuedConnection);
}

void PropertiesPanel::requestChange(const QString &scope, const QString &key, const QJsonValue &value)
{
    if (!m_blocked.isEmpty() || !m_editable) {
        refresh();
        return;
    }
    if (scope.isEmpty() || !m_gate) {
        setProperty(scope, key, value);
        return;
    }
    const QString versionId = m_versionId;
    m_gate(scope, [this, guard = QPointer<PropertiesPanel>(this), versionId, scope, key, value](bool allowed, const QString &why) {
        if (!guard || versionId != m_versionId)
            return;
        if (!allowed) {
            refresh();
            emit editRefused(why);
            return;
        }
        setProperty(scope, key, value);
    });
}

void PropertiesPanel::addRow(QTableWidget *, const QString &scope)
{
    if (!m_editable)
        return;
    bool ok = false;
    const QString key = QInputDialog::getText(this, tr("Add property"), tr("Name:"), QLineEdit::Normal, QString(), &ok)
                            .trimmed();
    if (!ok || key.isEmpty() || properties(scope).contains(key))
        return;
    requestChange(scope, key, QString());
}

void PropertiesPanel::save(const QString &message)
{
    // Component properties are merged into the parent's on the server; a removed key is
    // sent as null, which the merge drops.
    QJsonObject changedComponents;
    for (auto it = m_componentProperties.begin(); it != m_componentProperties.end(); ++it) {
        const QJsonObject original = m_originalComponentProperties.value(it.key());
        if (it.value() == original)
            continue;
        QJsonObject merged = it.value();
        for (auto key = original.begin(); key != original.end(); ++key) {
            if (!merged.contains(key.key()))
                merged.insert(key.key(), QJsonValue::Null);
        }
        changedComponents.insert(it.key(), merged);
    }
    // Twin properties only when they changed: they concern the whole twin, which others'
    // component locks would then block.
    QJsonObject body{{QStringLiteral("parents"), QJsonArray{m_versionId}}, {QStringLiteral("message"), message}};
    if (m_twinProperties != m_originalTwinProperties)
        body.insert(QStringLiteral("properties"), m_twinProperties);
    if (!changedComponents.isEmpty())
        body.insert(QStringLiteral("component_properties"), changedComponents);
    // No edits while the save is on its way: they would be marked saved without being sent.
    m_save->setEnabled(false);
    setEnabled(false);
    m_session->client()->send("POST", QStringLiteral("/twins/%1/versions").arg(m_twinId), &body, this,
                              [this](const QJsonObject &version, const ApiError *error) {
                                  setEnabled(true);
                                  if (error) {
                                      m_save->setEnabled(true);
                                      emit saveFailed(error->status == 409
                                                          ? tr("Someone saved a newer version first. Your edits are "
                                                               "kept: reopen the latest version to apply them again.")
                                                          : error->describe());
                                      return;
                                  }
                                  m_undo->setClean();
                                  emit saved(version.value(QStringLiteral("id")).toString());
                              },
                              m_saveHeaders ? m_saveHeaders() : ApiClient::Headers());
}

} // namespace Laces::App
