#pragma once

#include "ageingrun.h"

#include <QFutureWatcher>
#include <QHash>
#include <QJsonObject>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;

namespace Laces::App {

class AgeingCharts;
class AgeingTimeline;
class Session;

// The 4D ageing view's controls: a timeline from the start of the measured history to the
// horizon (scrub, play at a chosen speed), sliders for speed, load and temperature from now
// on (the future is recomputed on a worker thread as they move, never on the UI thread),
// charts of the selected and the worst component, their failure dates, Monte Carlo bands,
// export, and runs saved on the server. It tells the 3D view what to show: each component's
// colour at the shown time, where the stress is worst, and the twin's version at that time.
class AgeingPanel : public QWidget
{
    Q_OBJECT

public:
    AgeingPanel(Session *session, QString twinId, QWidget *parent = nullptr);
    ~AgeingPanel() override;

    // The version whose components age; the run is asked for when the panel is first shown.
    void setVersion(const QString &versionId);
    // Asks the server for the twin's default run (its measured history, then as measured).
    void start();
    void selectComponent(const QString &name);
    void cancel();
    // Writes the run shown (a recomputed future included) as JSON; false with a message shown.
    bool exportTo(const QString &path);
    // Says again what the shown time looks like (colours, hot spot, version), e.g. after
    // the 3D view reloaded its model.
    void republish();

    const AgeingRun *run() const { return m_shown ? &*m_shown : nullptr; }
    int shownIndex() const;
    QString selectedComponent() const { return m_selected; }
    // The colour of a component with damage D (0–1) and undamaged colour `grey`.
    static QColor damageColor(const QColor &grey, double damage);

    AgeingTimeline *timeline() const { return m_timeline; }
    QSlider *rpmSlider() const { return m_rpm; }
    QSlider *loadSlider() const { return m_load; }
    QSlider *temperatureSlider() const { return m_temperature; }
    AgeingCharts *charts() const { return m_charts; }
    QLabel *failureLabel() const { return m_failure; }
    QPushButton *playButton() const { return m_play; }
    QListWidget *savedRuns() const { return m_runs; }
    QCheckBox *monteCarloBox() const { return m_monteCarlo; }
    QPushButton *saveButton() const { return m_save; }

signals:
    void colorsChanged(const QHash<QString, QColor> &colors);
    void hotspotChanged(const QString &component, double damage);
    // The twin's version at the shown time, with its components, when it changes.
    void asWas(const QJsonObject &version, const QString &when);
    void componentSelected(const QString &name);
    void runShown();
    void busyChanged(bool busy);
    // A future is being recomputed (the 3D view may hold its animation meanwhile).
    void computing(bool running);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void request(const QJsonObject &body, bool keep);
    void showRun(const AgeingRun &run, bool fromServer);
    void showTime(int index);
    void updateLabels();
    void futureChanged();
    void recompute();
    void reloadSavedRuns();
    void openSavedRun(const QString &id);
    void deleteSavedRun(const QString &id);
    void requestBands();
    void exportJson();
    void saveRun();
    void setBusy(const QString &message);
    void setIdle(const QString &message = {});
    void loadVersions();
    // The twin's maintenance tickets as marks on the timeline.
    void loadTickets();
    void emitAsWas(int index);
    QJsonObject runBody(const AgeingRun::Future &future) const;
    AgeingRun::Future sliderFuture() const;
    void setSliders(const AgeingRun::Future &future);

    Session *m_session;
    QString m_twinId;
    QString m_versionId;
    bool m_started = false;
    std::optional<AgeingRun> m_server;   // the run the server computed
    std::optional<AgeingRun> m_shown;    // what is on screen (the server's or a recomputed one)
    QString m_selected;
    QObject *m_request = nullptr;        // the server request under way; deleting it drops its answer
    QFutureWatcher<AgeingRun> *m_computing;
    bool m_computeAgain = false;
    bool m_settingSliders = false;
    bool m_asMeasured = true;            // the future goes on as measured (the sliders untouched)
    double m_playYears = 0;

    struct Version
    {
        QString id;
        int number = 0;
        qint64 createdMs = 0;
        QString message;
        QJsonObject details;   // with its components, once fetched
    };
    QList<Version> m_versions;
    QString m_asWasId;

    AgeingTimeline *m_timeline;
    QPushButton *m_play;
    QComboBox *m_speed;
    QLabel *m_when;
    QTimer *m_player;
    QLabel *m_futureLabel;
    QSlider *m_rpm;
    QSlider *m_load;
    QSlider *m_temperature;
    QSpinBox *m_rpmValue;
    QDoubleSpinBox *m_loadValue;
    QSpinBox *m_temperatureValue;
    QPushButton *m_reset;
    QCheckBox *m_monteCarlo;
    QSpinBox *m_samples;
    QLabel *m_failure;
    QLabel *m_worst;
    QPushButton *m_save;
    QPushButton *m_export;
    QListWidget *m_runs;
    QPushButton *m_open;
    QPushButton *m_delete;
    QProgressBar *m_progress;
    QPushButton *m_cancel;
    QLabel *m_status;
    AgeingCharts *m_charts;
};

} // namespace Laces::App
