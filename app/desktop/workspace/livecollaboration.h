#pragma once

#include "collab/vectorclock.h"
#include "collaborationclient.h"

#include <QHash>
#include <QObject>
#include <QTimer>

class QListWidget;

namespace Laces::App {

class EditLeases;
class HistoryPanel;
class PropertiesPanel;
class SceneView;
class Session;

// Everything live about one open twin: who else is on it (the people list), their 3D
// cursors, components locked by others (tinted, with the holder on hover), this user's own
// locks around editing (taken on the first edit of a component, heartbeated, released on
// save or close, editing stopped when one is lost), edits sent as edit operations and
// others' edits and versions shown as they happen.
class LiveCollaboration : public QObject
{
    Q_OBJECT

public:
    struct Parts
    {
        SceneView *view;
        PropertiesPanel *properties;
        HistoryPanel *history;
    };
    LiveCollaboration(Session *session, QString twinId, Parts parts, QWidget *parent);
    ~LiveCollaboration() override;

    QListWidget *people() const { return m_people; }
    EditLeases *leases() const { return m_leases; }
    CollaborationClient *client() const { return m_client; }
    // The version on screen: edits are based on it, and only the latest is edited live.
    void setVersion(const QString &versionId, bool latest);
    // Re-reads the twin's locks and tints what others hold.
    void refreshLocks();

signals:
    // A message for the status line.
    void notice(const QString &text);
    // Someone else saved a version and nothing local is unsaved: show it.
    void newerVersion(const QString &versionId);

private:
    void onEvent(const QJsonObject &message);
    void sendEdit(const QString &component, const QString &key, const QJsonValue &value);
    void loadPendingEdits();
    void addMember(const CollaborationClient::Member &member);
    void updateMember(const QString &connectionId);
    static QColor colorFor(const QString &connectionId);

    Session *m_session;
    QString m_twinId;
    Parts m_parts;
    CollaborationClient *m_client;
    EditLeases *m_leases;
    QListWidget *m_people;
    QTimer m_lockRefresh;
    QString m_versionId;
    bool m_latest = false;
    QString m_replica;                  // "<session id>/<this workspace>"
    Core::VectorClock m_clock;
    QHash<QString, CollaborationClient::Member> m_members;
    QStringList m_tinted;               // components tinted for others' locks
};

} // namespace Laces::App
