#pragma once

#include <QHash>
#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;
class QUndoStack;

namespace Laces::App {

class Session;

// Edits the twin's properties and the selected component's, as a form of key/value rows.
// Every change is an undoable command (QUndoStack); Save commits them all as one new
// version on top of the version they were made on.
class PropertiesPanel : public QWidget
{
    Q_OBJECT

public:
    PropertiesPanel(Session *session, QString twinId, QWidget *parent = nullptr);

    // The version being edited: its id, properties and each component's properties.
    void setVersion(const QJsonObject &version, bool editable);
    void setComponent(const QString &name);

    QUndoStack *undoStack() const { return m_undo; }
    // `scope` is empty for the twin, else a component name. A null value removes the key.
    void setProperty(const QString &scope, const QString &key, const QJsonValue &value);
    QJsonObject properties(const QString &scope = {}) const;
    void save(const QString &message);
    bool hasChanges() const;

signals:
    void saved(const QString &versionId);
    void saveFailed(const QString &message);

private:
    friend class PropertyCommand;
    void apply(const QString &scope, const QString &key, const QJsonValue &value);
    void refresh();
    void onCellChanged(QTableWidget *table, const QString &scope, int row, int column);
    void addRow(QTableWidget *table, const QString &scope);
    void fill(QTableWidget *table, const QJsonObject &object);

    Session *m_session;
    QString m_twinId;
    QString m_versionId;
    QString m_component;
    bool m_editable = false;
    bool m_refreshing = false;
    QJsonObject m_twinProperties;
    QHash<QString, QJsonObject> m_componentProperties;
    QHash<QString, QJsonObject> m_originalComponentProperties;
    QUndoStack *m_undo;
    QTableWidget *m_twinTable;
    QTableWidget *m_componentTable;
    QLabel *m_componentLabel;
    QPushButton *m_save;
};

} // namespace Laces::App
