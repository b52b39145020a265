#pragma once

#include "model/modelinspector.h"

#include <QFutureWatcher>
#include <QJsonObject>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;
class QSplitter;
class QTabBar;

namespace Laces::App {

class AgeingPanel;
class HistoryPanel;
class LiveCollaboration;
class PropertiesPanel;
class SceneView;
class Session;

// One twin open for work: the 3D view, its component tree (selection both ways, per-part
// visibility), the history and the properties. Downloads and model loading run in the
// background with progress and can be cancelled; the UI never waits on them.
class TwinWorkspace : public QWidget
{
    Q_OBJECT

public:
    TwinWorkspace(Session *session, const QJsonObject &twin, QWidget *parent = nullptr);
    ~TwinWorkspace() override;

    QString twinId() const { return m_twinId; }
    // Opens a version (the latest when empty); older versions are read-only.
    void openVersion(const QString &versionId = {});
    // Selects a component as if picked in the view; false when the shown model has none
    // of that name.
    bool highlightComponent(const QString &name);
    void cancelLoading();
    // Uploads a model file and makes it a new version on top of the latest.
    void importModel(const QString &filePath);

    SceneView *sceneView() const { return m_view; }
    HistoryPanel *history() const { return m_history; }
    PropertiesPanel *properties() const { return m_properties; }
    QTreeWidget *componentTree() const { return m_tree; }
    LiveCollaboration *live() const { return m_live; }
    AgeingPanel *ageing() const { return m_ageing; }
    // The model view, or the 4D ageing view of the same scene (damage colours, stress
    // particles, the as-was history under the timeline).
    void setAgeingMode(bool on);
    bool isAgeingMode() const;
    QString statusText() const;
    const QJsonObject &version() const { return m_version; }
    bool isReadOnly() const { return m_readOnly; }

signals:
    void versionShown(const QString &versionId);
    void loadFailed(const QString &message);
    void imported(const QString &versionId);
    void importFailed(const QString &message);

private:
    void showVersion(const QJsonObject &version);
    void loadModelFile(const QString &path);
    void selectComponent(const QString &name);
    void setBusy(const QString &message);
    void setIdle(const QString &message = {});
    // Shows why loading stopped and tells the window.
    void failLoad(const QString &message);
    // The as-was view: the geometry and components of `version` at the shown time.
    void showAsWas(const QJsonObject &version, const QString &when);
    void applyTreeVisibility();

    Session *m_session;
    QString m_twinId;
    QString m_twinName;
    QJsonObject m_version;
    bool m_readOnly = false;
    quint64 m_generation = 0;   // drops answers for a version no longer wanted
    quint64 m_loaderGeneration = 0;
    SceneView *m_view;
    QTreeWidget *m_tree;
    HistoryPanel *m_history;
    PropertiesPanel *m_properties;
    LiveCollaboration *m_live;
    AgeingPanel *m_ageing;
    QTabBar *m_modes;
    QSplitter *m_center = nullptr;  // the scene over the ageing panel
    QString m_shownModelSha;          // the model the 3D view holds now
    QStringList m_asWasComponents;    // the components of the version shown as was
    QLabel *m_status;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QFutureWatcher<Core::Result<Core::ModelGeometry>> *m_loader;
    QObject *m_download = nullptr;
};

} // namespace Laces::App
