#pragma once

#include "apiclient.h"

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
    // A change asked for by the user, as the form makes it: through the edit gate for a
    // component, refused while editing is blocked.
    void requestChange(const QString &scope, const QString &key, const QJsonValue &value);
    // `scope` is empty for the twin, else a component name. A null value removes the key.
    void setProperty(const QString &scope, const QString &key, const QJsonValue &value);
    QJsonObject properties(const QString &scope = {}) const;
    QStringList componentNames() const { return m_componentProperties.keys(); }
    void save(const QString &message);
    bool hasChanges() const;

    // Asked before the first change of a component's properties (e.g. to take its lock);
    // a refusal undoes the change on screen and is reported by editRefused().
    using EditGate = std::function<void(const QString &component, std::function<void(bool allowed, const QString &why)>)>;
    void setEditGate(EditGate gate) { m_gate = std::move(gate); }
    // Extra headers for saving (the lock token).
    void setSaveHeaders(std::function<ApiClient::Headers()> headers) { m_saveHeaders = std::move(headers); }
    // Someone else's change: shown at once, and taken as the new saved value unless this
    // user has changed the same key.
    void showRemoteChange(const QString &scope, const QString &key, const QJsonValue &value);
    // Stops editing with a reason; the unsaved changes stay in the undo stack.
    void blockEditing(const QString &why);
    bool isEditingBlocked() const { return !m_blocked.isEmpty(); }

signals:
    void saved(const QString &versionId);
    void saveFailed(const QString &message);
    // A change of this user's took effect (done, undone or redone); a null value removes.
    void edited(const QString &scope, const QString &key, const QJsonValue &value);
    void editRefused(const QString &why);

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
    QJsonObject m_originalTwinProperties;
    EditGate m_gate;
    std::function<ApiClient::Headers()> m_saveHeaders;
    QString m_blocked;
    QHash<QString, QJsonObject> m_componentProperties;
    QHash<QString, QJsonObject> m_originalComponentProperties;
    QUndoStack *m_undo;
    QTableWidget *m_twinTable;
    QTableWidget *m_componentTable;
    QLabel *m_componentLabel;
    QPushButton *m_save;
    QLabel *m_notice;
};

} // namespace Laces::App
