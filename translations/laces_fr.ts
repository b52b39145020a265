<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>Laces::App::AgeingCharts</name>
    <message>
        <source>&lt;span style=&apos;color:#1e64c8&apos;&gt;━━&lt;/span&gt; selected component &amp;nbsp; &lt;span style=&apos;color:#c82828&apos;&gt;╌╌&lt;/span&gt; worst component &amp;nbsp; &lt;span style=&apos;color:#787878&apos;&gt;┆&lt;/span&gt; time shown &amp;nbsp; &lt;span style=&apos;color:#4682c8&apos;&gt;▓&lt;/span&gt; Monte Carlo P10–P90 crack, share of samples failed</source>
        <translation>&lt;span style=&apos;color:#1e64c8&apos;&gt;━━&lt;/span&gt; composant choisi &amp;nbsp; &lt;span style=&apos;color:#c82828&apos;&gt;╌╌&lt;/span&gt; pire composant &amp;nbsp; &lt;span style=&apos;color:#787878&apos;&gt;┆&lt;/span&gt; instant affiché &amp;nbsp; &lt;span style=&apos;color:#4682c8&apos;&gt;▓&lt;/span&gt; Monte-Carlo : fissure P10–P90, part des tirages défaillants</translation>
    </message>
    <message>
        <source>Crack length (mm)</source>
        <translation>Longueur de fissure (mm)</translation>
    </message>
    <message>
        <source>Damage D</source>
        <translation>Endommagement D</translation>
    </message>
    <message>
        <source>Failure probability</source>
        <translation>Probabilité de défaillance</translation>
    </message>
    <message>
        <source>years from now</source>
        <translation>années à partir d’aujourd’hui</translation>
    </message>
    <message>
        <source>Monte Carlo P10–P90</source>
        <translation>Monte-Carlo P10–P90</translation>
    </message>
    <message>
        <source>Monte Carlo: share failed</source>
        <translation>Monte-Carlo : part défaillante</translation>
    </message>
    <message>
        <source>selected</source>
        <translation>choisi</translation>
    </message>
    <message>
        <source>worst</source>
        <translation>pire</translation>
    </message>
    <message>
        <source>shown time</source>
        <translation>instant affiché</translation>
    </message>
</context>
<context>
    <name>Laces::App::AgeingPanel</name>
    <message>
        <source>Play</source>
        <translation>Lire</translation>
    </message>
    <message>
        <source>As measured</source>
        <translation>Comme mesuré</translation>
    </message>
    <message>
        <source>&amp;Monte Carlo bands</source>
        <translation>Bandes &amp;Monte-Carlo</translation>
    </message>
    <message>
        <source>&amp;Save run</source>
        <translation>&amp;Enregistrer le calcul</translation>
    </message>
    <message>
        <source>&amp;Export JSON…</source>
        <translation>E&amp;xporter en JSON…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Play or pause the timeline (Space on the timeline)</source>
        <translation>Lire ou mettre en pause la ligne de temps (Espace sur la ligne de temps)</translation>
    </message>
    <message>
        <source>Playback speed</source>
        <translation>Vitesse de lecture</translation>
    </message>
    <message>
        <source>1 day per second</source>
        <translation>1 jour par seconde</translation>
    </message>
    <message>
        <source>1 week per second</source>
        <translation>1 semaine par seconde</translation>
    </message>
    <message>
        <source>1 month per second</source>
        <translation>1 mois par seconde</translation>
    </message>
    <message>
        <source>1 year per second</source>
        <translation>1 an par seconde</translation>
    </message>
    <message>
        <source>Time shown</source>
        <translation>Instant affiché</translation>
    </message>
    <message>
        <source>Left of the line: the measured past; right: the simulated future. Orange marks: versions of the twin.</source>
        <translation>À gauche du trait : le passé mesuré ; à droite : le futur simulé. Repères orange : les versions du jumeau.</translation>
    </message>
    <message>
        <source> rpm</source>
        <translation> tr/min</translation>
    </message>
    <message>
        <source> × rated</source>
        <translation> × nominale</translation>
    </message>
    <message>
        <source> °C</source>
        <translation> °C</translation>
    </message>
    <message>
        <source>Let the future go on as the machine was measured</source>
        <translation>Laisser le futur continuer comme la machine a été mesurée</translation>
    </message>
    <message>
        <source>From now on</source>
        <translation>À partir de maintenant</translation>
    </message>
    <message>
        <source>S&amp;peed:</source>
        <translation>&amp;Vitesse :</translation>
    </message>
    <message>
        <source>&amp;Load:</source>
        <translation>&amp;Charge :</translation>
    </message>
    <message>
        <source>&amp;Temperature:</source>
        <translation>&amp;Température :</translation>
    </message>
    <message>
        <source>Scatter of C, a₀ and K_IC, computed by the server for the selected and the worst component</source>
        <translation>Dispersion de C, a₀ et K_IC, calculée par le serveur pour le composant choisi et le pire</translation>
    </message>
    <message>
        <source> samples</source>
        <translation> tirages</translation>
    </message>
    <message>
        <source>Monte Carlo samples</source>
        <translation>Tirages Monte-Carlo</translation>
    </message>
    <message>
        <source>Your role cannot run simulations on the server.</source>
        <translation>Votre rôle ne peut pas lancer de simulations sur le serveur.</translation>
    </message>
    <message>
        <source>Saved runs</source>
        <translation>Calculs enregistrés</translation>
    </message>
    <message>
        <source>Sa&amp;ved runs:</source>
        <translation>Calculs enre&amp;gistrés :</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Saving the run on the server…</source>
        <translation>Enregistrement du calcul sur le serveur…</translation>
    </message>
    <message>
        <source>Simulating on the server…</source>
        <translation>Simulation sur le serveur…</translation>
    </message>
    <message>
        <source>The server&apos;s run cannot be shown: %1</source>
        <translation>Le calcul du serveur ne peut pas être affiché : %1</translation>
    </message>
    <message>
        <source>Saved as run %1.</source>
        <translation>Enregistré comme calcul %1.</translation>
    </message>
    <message>
        <source>Going on as measured on %1: %2 rpm, %3 × rated load, %4 °C on average.</source>
        <translation>Suite comme mesuré sur %1 : en moyenne %2 tr/min, %3 × la charge nominale, %4 °C.</translation>
    </message>
    <message>
        <source>The measured duty of %1 at another speed, load and temperature.</source>
        <translation>Le cycle de charge mesuré de %1 à une autre vitesse, charge et température.</translation>
    </message>
    <message>
        <source>A steady speed, load and temperature.</source>
        <translation>Vitesse, charge et température constantes.</translation>
    </message>
    <message>
        <source>A steady speed, load and temperature (no measured history).</source>
        <translation>Vitesse, charge et température constantes (pas d’historique mesuré).</translation>
    </message>
    <message>
        <source>%1 (now)</source>
        <translation>%1 (maintenant)</translation>
    </message>
    <message>
        <source>%1 (%2%3 years)</source>
        <translation>%1 (%2%3 ans)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;, %2: no failure in sight</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;, %2 : aucune défaillance en vue</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;, %2: median failure &lt;b&gt;%3&lt;/b&gt; (%4 y), B10 %5 (%6 y)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;, %2 : défaillance médiane &lt;b&gt;%3&lt;/b&gt; (%4 a), B10 %5 (%6 a)</translation>
    </message>
    <message>
        <source>Selected: %1</source>
        <translation>Choisi : %1</translation>
    </message>
    <message>
        <source>No component fails in the simulated future.</source>
        <translation>Aucun composant ne défaille dans le futur simulé.</translation>
    </message>
    <message>
        <source>The selected component is the worst.</source>
        <translation>Le composant choisi est le pire.</translation>
    </message>
    <message>
        <source>Worst: %1</source>
        <translation>Pire : %1</translation>
    </message>
    <message>
        <source>Export the run</source>
        <translation>Exporter le calcul</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>Fichiers JSON (*.json)</translation>
    </message>
    <message>
        <source>Not exported</source>
        <translation>Non exporté</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d’écrire %1 : %2</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Exporté vers %1.</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 · worst: %4 %5</source>
        <translation>%1 · %2 · %3 · pire : %4 %5</translation>
    </message>
    <message>
        <source>Opening the saved run…</source>
        <translation>Ouverture du calcul enregistré…</translation>
    </message>
    <message>
        <source>Showing the run saved %1.</source>
        <translation>Affichage du calcul enregistré le %1.</translation>
    </message>
    <message>
        <source>Version %1: %2</source>
        <translation>Version %1 : %2</translation>
    </message>
    <message>
        <source>Ticket #%1 (%2, %3), opened %4: %5</source>
        <translation>Ticket n° %1 (%2, %3), ouvert le %4 : %5</translation>
    </message>
</context>
<context>
    <name>Laces::App::ApiClient</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d’écrire %1 : %2</translation>
    </message>
    <message>
        <source>Cannot write the file: %1</source>
        <translation>Impossible d’écrire le fichier : %1</translation>
    </message>
</context>
<context>
    <name>Laces::App::ApiError</name>
    <message>
        <source>Cannot reach the server: %1</source>
        <translation>Impossible de joindre le serveur : %1</translation>
    </message>
    <message>
        <source>%1 (field: %2)</source>
        <translation>%1 (champ : %2)</translation>
    </message>
    <message>
        <source>HTTP status %1</source>
        <translation>Statut HTTP %1</translation>
    </message>
</context>
<context>
    <name>Laces::App::Cli</name>
    <message>
        <source>LACES Genesis command-line client.</source>
        <translation>Client en ligne de commande de LACES Genesis.</translation>
    </message>
    <message>
        <source>What to do.</source>
        <translation>Action à effectuer.</translation>
    </message>
    <message>
        <source>Server URL (env LACES_SERVER; default http://127.0.0.1:8000).</source>
        <translation>URL du serveur (variable LACES_SERVER ; par défaut http://127.0.0.1:8000).</translation>
    </message>
    <message>
        <source>User name to log in as.</source>
        <translation>Nom d’utilisateur pour la connexion.</translation>
    </message>
    <message>
        <source>Filter twins by name.</source>
        <translation>Filtrer les jumeaux par nom.</translation>
    </message>
    <message>
        <source>Twin to import into (name or id).</source>
        <translation>Jumeau dans lequel importer (nom ou identifiant).</translation>
    </message>
    <message>
        <source>Message of the new version.</source>
        <translation>Message de la nouvelle version.</translation>
    </message>
    <message>
        <source>Inspect the file without uploading it.</source>
        <translation>Examiner le fichier sans l’envoyer.</translation>
    </message>
    <message>
        <source>Version to export (default: latest).</source>
        <translation>Version à exporter (par défaut : la plus récente).</translation>
    </message>
    <message>
        <source>File to write.</source>
        <translation>Fichier à écrire.</translation>
    </message>
    <message>
        <source>Name of the new API key.</source>
        <translation>Nom de la nouvelle clé d’API.</translation>
    </message>
    <message>
        <source>Boot epoch of the samples&apos; sequence numbers (default 0).</source>
        <translation>Époque de démarrage des numéros de séquence des mesures (0 par défaut).</translation>
    </message>
    <message>
        <source>Simulation horizon in years (default 5).</source>
        <translation>Horizon de simulation en années (par défaut 5).</translation>
    </message>
    <message>
        <source>Time step: hour, day or week (default day).</source>
        <translation>Pas de temps : hour, day ou week (par défaut day).</translation>
    </message>
    <message>
        <source>Start of the simulation, RFC 3339 (default now).</source>
        <translation>Début de la simulation, RFC 3339 (par défaut maintenant).</translation>
    </message>
    <message>
        <source>Speed from the start on.</source>
        <translation>Vitesse à partir du début.</translation>
    </message>
    <message>
        <source>Load as a fraction of rated load (0–2).</source>
        <translation>Charge en fraction de la charge nominale (0–2).</translation>
    </message>
    <message>
        <source>Temperature in °C (default 20).</source>
        <translation>Température en °C (par défaut 20).</translation>
    </message>
    <message>
        <source>Machine node whose measured history to use.</source>
        <translation>Machine dont l’historique mesuré est utilisé.</translation>
    </message>
    <message>
        <source>Start of the measured history, RFC 3339.</source>
        <translation>Début de l’historique mesuré, RFC 3339.</translation>
    </message>
    <message>
        <source>End of the measured history, RFC 3339 (the simulation&apos;s start).</source>
        <translation>Fin de l’historique mesuré, RFC 3339 (le début de la simulation).</translation>
    </message>
    <message>
        <source>Simulate this component (repeatable; default all).</source>
        <translation>Simuler ce composant (répétable ; par défaut tous).</translation>
    </message>
    <message>
        <source>Monte Carlo samples of the material scatter.</source>
        <translation>Tirages Monte-Carlo de la dispersion du matériau.</translation>
    </message>
    <message>
        <source>Seed of the Monte Carlo samples (default 0).</source>
        <translation>Graine des tirages Monte-Carlo (par défaut 0).</translation>
    </message>
    <message>
        <source>Commands:
  status                          check that the server and its database answer
  login                           log in and print an access token for LACES_TOKEN
  whoami                          show the user the credentials belong to
  twins [--search TEXT]           list the twins of your organization
  import FILE --twin NAME|ID      store a model file as a new version (creates the twin)
         [--message TEXT] [--dry-run]
  log TWIN                        the twin&apos;s versions, newest first
  diff TWIN A B                   what changed from version A to version B
  export TWIN [--version V] -o FILE   save a version&apos;s model file
  nodes [--search TEXT]           list the machine nodes of your organization
  node-key NODE --name TEXT       issue an API key for NODE&apos;s edge device (shown once)
  ingest FILE.csv [--boot-epoch N]    send telemetry in CSV (header node_id,time,seq,metrics…)
  simulate TWIN [--years Y] [--step hour|day|week] [--start T]
         [--rpm N --load F [--temperature C]] [--from-node NODE [--from T] [--to T]]
         [--component NAME]… [--monte-carlo N [--seed S]] [-o run.json]
                                  age the twin&apos;s components: median and B10 failure dates,
                                  worst first (without --rpm/--load: from the measured
                                  history of the twin&apos;s linked node, or of NODE)
  tickets [--status S,…] [--severity S,…] [--node NODE]
                                  maintenance tickets, highest priority first (default: the
                                  unfinished ones: open, acknowledged, in_progress)
  ticket N [ack|start|resolve|close|cancel] [--comment TEXT] [--code failure|no_fault|preventive]
                                  show ticket number N with its history, or move it on
                                  (resolve needs --code)

TWIN and NODE are a name or an id; a version is an id, a number, a tag or &apos;latest&apos;.
Credentials come from LACES_TOKEN or, failing that, a password prompt for --user.
Passwords are never taken from the command line.
</source>
        <translation>Commandes :
  status                          vérifier que le serveur et sa base de données répondent
  login                           se connecter et afficher un jeton d’accès pour LACES_TOKEN
  whoami                          afficher l’utilisateur des identifiants
  twins [--search TEXTE]          lister les jumeaux de votre organisation
  import FICHIER --twin NOM|ID    enregistrer un fichier de modèle comme nouvelle version (crée le jumeau)
         [--message TEXTE] [--dry-run]
  log JUMEAU                      les versions du jumeau, de la plus récente à la plus ancienne
  diff JUMEAU A B                 ce qui a changé de la version A à la version B
  export JUMEAU [--version V] -o FICHIER   enregistrer le fichier de modèle d’une version
  nodes [--search TEXTE]          lister les machines de votre organisation
  node-key MACHINE --name TEXTE   créer une clé d’API pour l’équipement en périphérie de la machine (affichée une seule fois)
  ingest FICHIER.csv [--boot-epoch N]   envoyer de la télémétrie en CSV (en-tête node_id,time,seq,grandeurs…)
  simulate JUMEAU [--years A] [--step hour|day|week] [--start T]
         [--rpm N --load F [--temperature C]] [--from-node MACHINE [--from T] [--to T]]
         [--component NOM]… [--monte-carlo N [--seed S]] [-o calcul.json]
                                  simuler le vieillissement des composants : dates de défaillance
                                  médiane et B10, le pire d’abord (sans --rpm/--load : d’après
                                  l’historique mesuré de la machine liée au jumeau, ou de MACHINE)
  tickets [--status S,…] [--severity S,…] [--node MACHINE]
                                  tickets de maintenance, priorité la plus haute d’abord (par défaut :
                                  ceux en cours : open, acknowledged, in_progress)
  ticket N [ack|start|resolve|close|cancel] [--comment TEXTE] [--code failure|no_fault|preventive]
                                  afficher le ticket numéro N avec son historique, ou le faire avancer
                                  (resolve exige --code)

JUMEAU et MACHINE sont un nom ou un identifiant ; une version est un identifiant, un numéro, une étiquette ou « latest ».
Les identifiants viennent de LACES_TOKEN ou, à défaut, d’une demande de mot de passe pour --user.
Les mots de passe ne sont jamais lus sur la ligne de commande.
</translation>
    </message>
    <message>
        <source>Local commands (no server needed):
  anomaly score --train FILE [--train-rows N] --input FILE [--columns A,B,...]
         [--ignore A,B,...] [--delimiter &apos;;&apos;] [--detector zscore_max|isolation_forest]
         [--contamination C | --threshold T] [--seed S]
                                  fit a detector on the training rows of a CSV and write
                                  row,score,anomaly,drivers for every input row (CSV on
                                  standard output). The default detector, zscore_max, is the
                                  one the SKAB benchmark chose (F1 0.83 against 0.79 for the
                                  Isolation Forest); scores are smoothed over 30 rows and the
                                  threshold is the 0.99 quantile of the smoothed training
                                  scores. With the same file for --train and --input, its first
                                  --train-rows rows fit the detector and are not scored.
</source>
        <translation>Commandes locales (sans serveur) :
  anomaly score --train FICHIER [--train-rows N] --input FICHIER [--columns A,B,...]
         [--ignore A,B,...] [--delimiter &apos;;&apos;] [--detector zscore_max|isolation_forest]
         [--contamination C | --threshold T] [--seed S]
                                  entraîner un détecteur sur les lignes d’apprentissage d’un CSV et
                                  écrire row,score,anomaly,drivers pour chaque ligne d’entrée (CSV sur
                                  la sortie standard). Le détecteur par défaut, zscore_max, est celui
                                  qu’a retenu le banc d’essai SKAB (F1 0,83 contre 0,79 pour
                                  l’Isolation Forest) ; les scores sont lissés sur 30 lignes et le
                                  seuil est le quantile 0,99 des scores d’apprentissage lissés.
                                  Avec le même fichier pour --train et --input, ses --train-rows
                                  premières lignes entraînent le détecteur et ne sont pas évaluées.
</translation>
    </message>
    <message>
        <source>CSV whose rows fit the anomaly detector.</source>
        <translation>CSV dont les lignes entraînent le détecteur d’anomalies.</translation>
    </message>
    <message>
        <source>Fit on the first N rows of --train (default all).</source>
        <translation>Entraîner sur les N premières lignes de --train (par défaut toutes).</translation>
    </message>
    <message>
        <source>CSV whose rows are scored.</source>
        <translation>CSV dont les lignes sont évaluées.</translation>
    </message>
    <message>
        <source>Columns to use (default every numeric one).</source>
        <translation>Colonnes à utiliser (par défaut toutes les numériques).</translation>
    </message>
    <message>
        <source>Columns to leave out, e.g. labels.</source>
        <translation>Colonnes à ignorer, p. ex. les étiquettes.</translation>
    </message>
    <message>
        <source>Field delimiter of the CSV files (default: &apos;,&apos; or &apos;;&apos; from the header).</source>
        <translation>Séparateur de champs des fichiers CSV (par défaut : &apos;,&apos; ou &apos;;&apos; d’après l’en-tête).</translation>
    </message>
    <message>
        <source>zscore_max (default) or isolation_forest.</source>
        <translation>zscore_max (par défaut) ou isolation_forest.</translation>
    </message>
    <message>
        <source>Expected anomalous share of the training rows (default 0.01).</source>
        <translation>Part attendue de lignes d’apprentissage anormales (par défaut 0.01).</translation>
    </message>
    <message>
        <source>Explicit score threshold (smoothed score).</source>
        <translation>Seuil explicite du score (lissé).</translation>
    </message>
    <message>
        <source>Ticket statuses to list, comma-separated.</source>
        <translation>États de ticket à lister, séparés par des virgules.</translation>
    </message>
    <message>
        <source>Ticket severities to list, comma-separated.</source>
        <translation>Gravités de ticket à lister, séparées par des virgules.</translation>
    </message>
    <message>
        <source>Only this node&apos;s tickets.</source>
        <translation>Uniquement les tickets de cette machine.</translation>
    </message>
    <message>
        <source>A comment to add to the ticket.</source>
        <translation>Un commentaire à ajouter au ticket.</translation>
    </message>
    <message>
        <source>Resolution: failure, no_fault or preventive.</source>
        <translation>Résolution : failure, no_fault ou preventive.</translation>
    </message>
    <message>
        <source>slowed down by the server&apos;s rate limit; retrying in %1 s</source>
        <translation>ralenti par la limite de requêtes du serveur ; nouvel essai dans %1 s</translation>
    </message>
</context>
<context>
    <name>Laces::App::EditLeases</name>
    <message>
        <source>Your lock expired or was taken away: %1</source>
        <translation>Votre verrou a expiré ou vous a été retiré : %1</translation>
    </message>
</context>
<context>
    <name>Laces::App::EvidenceChart</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Measured</source>
        <translation>Mesuré</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>Limite</translation>
    </message>
    <message>
        <source>Clears below</source>
        <translation>Levée en dessous</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Fenêtre</translation>
    </message>
    <message>
        <source>Projected</source>
        <translation>Projection</translation>
    </message>
    <message>
        <source>Reaches the limit</source>
        <translation>Atteint la limite</translation>
    </message>
    <message>
        <source>Anomaly score and drivers</source>
        <translation>Score d’anomalie et facteurs</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Part</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>Seuil</translation>
    </message>
    <message>
        <source>Clears above</source>
        <translation>Levée au-dessus</translation>
    </message>
    <message>
        <source>Hourly means</source>
        <translation>Moyennes horaires</translation>
    </message>
    <message>
        <source>Reaches the limit: %1</source>
        <translation>Atteint la limite : %1</translation>
    </message>
    <message>
        <source>Slope %1 per hour; the limit %2 in %3 h (%4–%5 h), probability within the horizon %6 %.</source>
        <translation>Pente %1 par heure ; la limite %2 dans %3 h (%4–%5 h), probabilité dans l’horizon %6 %.</translation>
    </message>
    <message>
        <source>Anomaly score %1 against the threshold %2.</source>
        <translation>Score d’anomalie %1 pour un seuil de %2.</translation>
    </message>
    <message>
        <source>%1, the strongest driver</source>
        <translation>%1, le facteur principal</translation>
    </message>
    <message>
        <source>The machine stopped sending telemetry; last seen %1.</source>
        <translation>La machine n’envoie plus de télémétrie ; vue pour la dernière fois le %1.</translation>
    </message>
    <message>
        <source>This ticket has no measured evidence to chart.</source>
        <translation>Ce ticket n’a pas de mesures à représenter.</translation>
    </message>
    <message>
        <source>The ticket names no time window.</source>
        <translation>Le ticket n’indique aucune fenêtre de temps.</translation>
    </message>
    <message>
        <source>The telemetry could not be loaded: %1</source>
        <translation>La télémétrie n’a pas pu être chargée : %1</translation>
    </message>
    <message>
        <source>No telemetry of %1 in this window.</source>
        <translation>Aucune télémétrie de %1 dans cette fenêtre.</translation>
    </message>
</context>
<context>
    <name>Laces::App::FleetMap</name>
    <message>
        <source>Fleet map</source>
        <translation>Carte du parc</translation>
    </message>
    <message>
        <source>Drag or arrow keys: pan · wheel or +/−: zoom · Home: whole fleet · click a marker: select</source>
        <translation>Glisser ou flèches : déplacer · molette ou +/− : zoomer · Début : tout le parc · clic sur un repère : sélectionner</translation>
    </message>
    <message>
        <source>Made with Natural Earth</source>
        <translation>Réalisé avec Natural Earth</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>sain</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>critique</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>sans données</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>hors ligne</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>maintenance</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;: %n machine(s)</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; : %n machine</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt; : %n machines</numerusform>
        </translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>n.d.</translation>
    </message>
    <message numerus="yes">
        <source>%1 — %2, health %3, %n open ticket(s)</source>
        <translation>
            <numerusform>%1 — %2, santé %3, %n ticket ouvert</numerusform>
            <numerusform>%1 — %2, santé %3, %n tickets ouverts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Laces::App::FleetOverview</name>
    <message>
        <source>healthy</source>
        <translation>sain</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>avertissement</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>critique</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>sans données</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>hors ligne</translation>
    </message>
    <message>
        <source>maintenance</source>
        <translation>maintenance</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>Open &amp;telemetry</source>
        <translation>Ouvrir la &amp;télémétrie</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Machine</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Santé</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <source>Machines, worst health first</source>
        <translation>Machines, la plus mal en point d’abord</translation>
    </message>
    <message>
        <source>&lt;i&gt;Choose a machine on the map or in the list.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Choisissez une machine sur la carte ou dans la liste.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>N°</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <source>Open tickets</source>
        <translation>Tickets ouverts</translation>
    </message>
    <message>
        <source>The fleet&apos;s health could not be loaded: %1</source>
        <translation>La santé du parc n’a pas pu être chargée : %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>No machines with a location yet.</source>
        <translation>Aucune machine localisée pour l’instant.</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%n machine(s)&lt;/b&gt; at %1 site(s): </source>
        <translation>
            <numerusform>&lt;b&gt;%n machine&lt;/b&gt; sur %1 site(s) : </numerusform>
            <numerusform>&lt;b&gt;%n machines&lt;/b&gt; sur %1 site(s) : </numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2)&lt;br&gt;Your role cannot see health assessments or tickets.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2)&lt;br&gt;Votre rôle ne permet pas de voir les bilans de santé ni les tickets.</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; : %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2, %3)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2, %3)</translation>
    </message>
    <message>
        <source>Health: &lt;span style=&quot;color:%1&quot;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt; %3</source>
        <translation>Santé : &lt;span style=&quot;color:%1&quot;&gt;&lt;b&gt;%2&lt;/b&gt;&lt;/span&gt; %3</translation>
    </message>
    <message>
        <source>(score %1 of 100)</source>
        <translation>(note %1 sur 100)</translation>
    </message>
    <message>
        <source>%1 %2 %</source>
        <translation>%1 %2 %</translation>
    </message>
    <message>
        <source>Anomaly score %1 (threshold %2)%3</source>
        <translation>Score d’anomalie %1 (seuil %2)%3</translation>
    </message>
    <message>
        <source>%1 reaches %2 in about %3 h</source>
        <translation>%1 atteint %2 dans environ %3 h</translation>
    </message>
</context>
<context>
    <name>Laces::App::HistoryPanel</name>
    <message>
        <source>Open</source>
        <translation>Ouvrir</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Comparer</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restaurer</translation>
    </message>
    <message>
        <source>Tag…</source>
        <translation>Étiqueter…</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <source>Select two versions and press Compare.</source>
        <translation>Sélectionnez deux versions puis « Comparer ».</translation>
    </message>
    <message>
        <source>Show this version (read-only unless it is the latest)</source>
        <translation>Afficher cette version (lecture seule sauf pour la plus récente)</translation>
    </message>
    <message>
        <source>Your role cannot create versions.</source>
        <translation>Votre rôle ne permet pas de créer des versions.</translation>
    </message>
    <message>
        <source>Model changed</source>
        <translation>Modèle modifié</translation>
    </message>
    <message>
        <source>Model unchanged</source>
        <translation>Modèle inchangé</translation>
    </message>
    <message>
        <source>Cannot restore</source>
        <translation>Restauration impossible</translation>
    </message>
    <message>
        <source>Tag version</source>
        <translation>Étiqueter la version</translation>
    </message>
    <message>
        <source>Tag name:</source>
        <translation>Nom de l’étiquette :</translation>
    </message>
    <message>
        <source>Cannot tag</source>
        <translation>Étiquetage impossible</translation>
    </message>
</context>
<context>
    <name>Laces::App::LiveCollaboration</name>
    <message>
        <source>Who else has this twin open</source>
        <translation>Qui d’autre a ouvert ce jumeau</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>Non modifié : %1</translation>
    </message>
    <message>
        <source>Editing stopped: your lock on %1 ended (%2). Your unsaved changes are kept in the undo history.</source>
        <translation>Modification arrêtée : votre verrou sur %1 a pris fin (%2). Vos modifications non enregistrées restent dans l’historique d’annulation.</translation>
    </message>
    <message>
        <source>%1 (%2) — idle</source>
        <translation>%1 (%2) — inactif</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Locked by %1</source>
        <translation>Verrouillé par %1</translation>
    </message>
    <message>
        <source>Your change of %1 was not shared: %2</source>
        <translation>Votre modification de %1 n’a pas été partagée : %2</translation>
    </message>
    <message>
        <source>%1 changed %2 at the same time; their value was kept.</source>
        <translation>%1 a modifié %2 en même temps ; sa valeur a été conservée.</translation>
    </message>
    <message>
        <source>an administrator released it</source>
        <translation>un administrateur l’a libéré</translation>
    </message>
    <message>
        <source>it expired</source>
        <translation>il a expiré</translation>
    </message>
    <message>
        <source>%1 saved a newer version. Your unsaved changes are kept; saving them needs the latest version.</source>
        <translation>%1 a enregistré une version plus récente. Vos modifications non enregistrées sont conservées ; pour les enregistrer, il faut la dernière version.</translation>
    </message>
</context>
<context>
    <name>Laces::App::LocalServer</name>
    <message>
        <source>The local server stopped (exit code %1): %2</source>
        <translation>Le serveur local s’est arrêté (code de sortie %1) : %2</translation>
    </message>
    <message>
        <source>Cannot start %1: %2</source>
        <translation>Impossible de démarrer %1 : %2</translation>
    </message>
</context>
<context>
    <name>Laces::App::LoginDialog</name>
    <message>
        <source>Start a local server (embedded database)</source>
        <translation>Démarrer un serveur local (base de données intégrée)</translation>
    </message>
    <message>
        <source>Log in to LACES Genesis</source>
        <translation>Connexion à LACES Genesis</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Serveur :</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Nom d’utilisateur :</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <source>Starting a local server…</source>
        <translation>Démarrage d’un serveur local…</translation>
    </message>
    <message>
        <source>The server address must be an http:// or https:// URL.</source>
        <translation>L’adresse du serveur doit être une URL http:// ou https://.</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>Saisissez votre nom d’utilisateur et votre mot de passe.</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>Connexion en cours…</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Nom d’utilisateur ou mot de passe incorrect.</translation>
    </message>
    <message numerus="yes">
        <source>Too many failed attempts; try again in %n second(s).</source>
        <translation>
            <numerusform>Trop d’échecs ; réessayez dans %n seconde.</numerusform>
            <numerusform>Trop d’échecs ; réessayez dans %n secondes.</numerusform>
        </translation>
    </message>
    <message>
        <source>The local server is ready.</source>
        <translation>Le serveur local est prêt.</translation>
    </message>
</context>
<context>
    <name>Laces::App::MainWindow</name>
    <message>
        <source>LACES Genesis</source>
        <translation>LACES Genesis</translation>
    </message>
    <message>
        <source>Session ended</source>
        <translation>Session terminée</translation>
    </message>
    <message>
        <source>Your session has ended (logged out elsewhere, revoked or expired). Please log in again.</source>
        <translation>Votre session a pris fin (déconnexion ailleurs, révocation ou expiration). Veuillez vous reconnecter.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Recharger</translation>
    </message>
    <message>
        <source>Log &amp;out</source>
        <translation>Se &amp;déconnecter</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Paramètres</translation>
    </message>
    <message>
        <source>&amp;Language…</source>
        <translation>&amp;Langue…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About LACES Genesis</source>
        <translation>À &amp;propos de LACES Genesis</translation>
    </message>
    <message>
        <source>About LACES Genesis</source>
        <translation>À propos de LACES Genesis</translation>
    </message>
    <message>
        <source>&lt;h3&gt;LACES Genesis %1&lt;/h3&gt;&lt;p&gt;A workbench for industrial digital twins.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;LACES Genesis %1&lt;/h3&gt;&lt;p&gt;Un atelier pour les jumeaux numériques industriels.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Server: %1</source>
        <translation>Serveur : %1</translation>
    </message>
    <message>
        <source>User: %1 (%2)</source>
        <translation>Utilisateur : %1 (%2)</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <source>Server unreachable, retrying…</source>
        <translation>Serveur injoignable, nouvel essai…</translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation>Déconnecté</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Language of the user interface:</source>
        <translation>Langue de l’interface :</translation>
    </message>
    <message>
        <source>The new language applies when LACES Genesis starts again.</source>
        <translation>La nouvelle langue s’appliquera au prochain démarrage de LACES Genesis.</translation>
    </message>
    <message>
        <source>Twins</source>
        <translation>Jumeaux</translation>
    </message>
    <message>
        <source>Telemetry</source>
        <translation>Télémétrie</translation>
    </message>
    <message>
        <source>← &amp;Fleet overview</source>
        <translation>← Vue d’ensemble du &amp;parc</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>This ticket is not about a twin.</source>
        <translation>Ce ticket ne concerne aucun jumeau.</translation>
    </message>
    <message>
        <source>The twin cannot be opened: %1</source>
        <translation>Le jumeau ne peut pas être ouvert : %1</translation>
    </message>
    <message>
        <source>Version %1 of this twin has no component &quot;%2&quot;; the whole model is shown.</source>
        <translation>La version %1 de ce jumeau n’a pas de composant « %2 » ; le modèle entier est affiché.</translation>
    </message>
    <message>
        <source>%1 selected (version %2).</source>
        <translation>%1 sélectionné (version %2).</translation>
    </message>
    <message>
        <source>&lt;p&gt;The fleet map is made with Natural Earth (public domain map data).&lt;/p&gt;</source>
        <translation>&lt;p&gt;La carte du parc est réalisée avec Natural Earth (données cartographiques du domaine public).&lt;/p&gt;</translation>
    </message>
    <message numerus="yes">
        <source>Slowed down by the server: retrying in %n s</source>
        <translation>
            <numerusform>Ralenti par le serveur : nouvel essai dans %n s</numerusform>
            <numerusform>Ralenti par le serveur : nouvel essai dans %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>The server limits how many requests a user may make a minute. Your changes are not lost: they are sent again by themselves.</source>
        <translation>Le serveur limite le nombre de requêtes qu’un utilisateur peut faire par minute. Vos modifications ne sont pas perdues : elles sont renvoyées automatiquement.</translation>
    </message>
</context>
<context>
    <name>Laces::App::MaintenanceQueue</name>
    <message>
        <source>Tickets</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <source>Active (open, acknowledged, in progress)</source>
        <translation>Actifs (ouverts, pris en compte, en cours)</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Tous les états</translation>
    </message>
    <message>
        <source>Any severity</source>
        <translation>Toutes les gravités</translation>
    </message>
    <message>
        <source>High and critical</source>
        <translation>Élevée et critique</translation>
    </message>
    <message>
        <source>Medium and above</source>
        <translation>Moyenne et plus</translation>
    </message>
    <message>
        <source>Any machine</source>
        <translation>Toutes les machines</translation>
    </message>
    <message>
        <source>Any site</source>
        <translation>Tous les sites</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Composant</translation>
    </message>
    <message>
        <source>Search title, machine, assignee…</source>
        <translation>Chercher titre, machine, responsable…</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Recharger</translation>
    </message>
    <message>
        <source>S&amp;tatus:</source>
        <translation>É&amp;tat :</translation>
    </message>
    <message>
        <source>Se&amp;verity:</source>
        <translation>&amp;Gravité :</translation>
    </message>
    <message>
        <source>&amp;Machine:</source>
        <translation>&amp;Machine :</translation>
    </message>
    <message>
        <source>S&amp;ite:</source>
        <translation>S&amp;ite :</translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation>&amp;Prendre en compte</translation>
    </message>
    <message>
        <source>Someone has seen it and will look at it</source>
        <translation>Quelqu’un l’a vu et va s’en occuper</translation>
    </message>
    <message>
        <source>Assign to &amp;me</source>
        <translation>M’a&amp;ttribuer</translation>
    </message>
    <message>
        <source>Make yourself the ticket&apos;s assignee</source>
        <translation>Devenir responsable du ticket</translation>
    </message>
    <message>
        <source>&amp;Start work</source>
        <translation>&amp;Commencer</translation>
    </message>
    <message>
        <source>Mark the ticket in progress</source>
        <translation>Marquer le ticket comme en cours</translation>
    </message>
    <message>
        <source>Res&amp;olve…</source>
        <translation>&amp;Résoudre…</translation>
    </message>
    <message>
        <source>Say how it was resolved: failure, no fault or preventive</source>
        <translation>Indiquer la résolution : défaillance, aucun défaut ou préventif</translation>
    </message>
    <message>
        <source>C&amp;lose</source>
        <translation>C&amp;lore</translation>
    </message>
    <message>
        <source>Close a resolved ticket</source>
        <translation>Clore un ticket résolu</translation>
    </message>
    <message>
        <source>Reo&amp;pen</source>
        <translation>R&amp;ouvrir</translation>
    </message>
    <message>
        <source>The problem is back: open the resolved ticket again</source>
        <translation>Le problème est revenu : rouvrir le ticket résolu</translation>
    </message>
    <message>
        <source>Ca&amp;ncel ticket</source>
        <translation>A&amp;nnuler le ticket</translation>
    </message>
    <message>
        <source>Not a real problem, or a duplicate</source>
        <translation>Pas un vrai problème, ou un doublon</translation>
    </message>
    <message>
        <source>Show in &amp;3D</source>
        <translation>Voir en &amp;3D</translation>
    </message>
    <message>
        <source>Open the twin at the ticket&apos;s version with its component selected</source>
        <translation>Ouvrir le jumeau à la version du ticket, son composant sélectionné</translation>
    </message>
    <message>
        <source>Te&amp;lemetry</source>
        <translation>Té&amp;lémétrie</translation>
    </message>
    <message>
        <source>Open the machine&apos;s telemetry</source>
        <translation>Ouvrir la télémétrie de la machine</translation>
    </message>
    <message>
        <source>Add a comment and press Enter</source>
        <translation>Saisir un commentaire et appuyer sur Entrée</translation>
    </message>
    <message>
        <source>Co&amp;mment</source>
        <translation>Co&amp;mmenter</translation>
    </message>
    <message numerus="yes">
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n ticket</numerusform>
            <numerusform>%n tickets</numerusform>
        </translation>
    </message>
    <message>
        <source>Your role (%1) cannot see maintenance tickets.</source>
        <translation>Votre rôle (%1) ne permet pas de voir les tickets de maintenance.</translation>
    </message>
    <message>
        <source>The tickets could not be loaded: %1</source>
        <translation>Les tickets n’ont pas pu être chargés : %1</translation>
    </message>
    <message>
        <source>%1 of %2 tickets</source>
        <translation>%1 tickets sur %2</translation>
    </message>
    <message>
        <source>Your role can look at tickets but not work on them.</source>
        <translation>Votre rôle permet de consulter les tickets mais pas de les traiter.</translation>
    </message>
    <message>
        <source>Ticket #%1 cannot make that change now: %2</source>
        <translation>Le ticket n° %1 ne peut pas subir ce changement maintenant : %2</translation>
    </message>
    <message>
        <source>Your role may not change tickets: %1</source>
        <translation>Votre rôle ne permet pas de modifier les tickets : %1</translation>
    </message>
    <message>
        <source>Ticket #%1 was not changed: %2</source>
        <translation>Le ticket n° %1 n’a pas été modifié : %2</translation>
    </message>
    <message>
        <source>Ticket #%1 is %2.</source>
        <translation>Ticket n° %1 : %2.</translation>
    </message>
</context>
<context>
    <name>Laces::App::PropertiesPanel</name>
    <message>
        <source>remove %1</source>
        <translation>supprimer %1</translation>
    </message>
    <message>
        <source>set %1</source>
        <translation>définir %1</translation>
    </message>
    <message>
        <source>Save as new version…</source>
        <translation>Enregistrer comme nouvelle version…</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>Propriété</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ajouter</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Rétablir</translation>
    </message>
    <message>
        <source>&lt;b&gt;Twin&lt;/b&gt;</source>
        <translation>&lt;b&gt;Jumeau&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Describe the change:</source>
        <translation>Décrivez la modification :</translation>
    </message>
    <message>
        <source>&lt;b&gt;Component&lt;/b&gt;: select one in the tree or the view</source>
        <translation>&lt;b&gt;Composant&lt;/b&gt; : choisissez-en un dans l’arbre ou la vue</translation>
    </message>
    <message>
        <source>&lt;b&gt;Component&lt;/b&gt;: %1</source>
        <translation>&lt;b&gt;Composant&lt;/b&gt; : %1</translation>
    </message>
    <message>
        <source>Add property</source>
        <translation>Ajouter une propriété</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nom :</translation>
    </message>
    <message>
        <source>Someone saved a newer version first. Your edits are kept: reopen the latest version to apply them again.</source>
        <translation>Quelqu’un a enregistré une version plus récente avant vous. Vos modifications sont conservées : rouvrez la dernière version pour les appliquer à nouveau.</translation>
    </message>
</context>
<context>
    <name>Laces::App::ResolveDialog</name>
    <message>
        <source>Resolve ticket</source>
        <translation>Résoudre le ticket</translation>
    </message>
    <message>
        <source>Failure found and repaired</source>
        <translation>Défaillance trouvée et réparée</translation>
    </message>
    <message>
        <source>No fault found</source>
        <translation>Aucun défaut trouvé</translation>
    </message>
    <message>
        <source>Preventive maintenance</source>
        <translation>Maintenance préventive</translation>
    </message>
    <message>
        <source>What was found and done</source>
        <translation>Ce qui a été constaté et fait</translation>
    </message>
    <message>
        <source>&amp;Outcome:</source>
        <translation>&amp;Résultat :</translation>
    </message>
    <message>
        <source>&amp;Component:</source>
        <translation>&amp;Composant :</translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation>&amp;Notes :</translation>
    </message>
    <message>
        <source>&amp;Resolve</source>
        <translation>Ré&amp;soudre</translation>
    </message>
</context>
<context>
    <name>Laces::App::TelemetryChartView</name>
    <message>
        <source>Wheel: zoom. Drag: pan. Double click: back to the chosen range.</source>
        <translation>Molette : zoom. Glisser : déplacer. Double-clic : retour à la période choisie.</translation>
    </message>
</context>
<context>
    <name>Laces::App::TelemetryDashboard</name>
    <message>
        <source>Last 10 minutes</source>
        <translation>10 dernières minutes</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Dernière heure</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>24 dernières heures</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 derniers jours</translation>
    </message>
    <message>
        <source>every sample</source>
        <translation>chaque mesure</translation>
    </message>
    <message>
        <source>1-minute buckets</source>
        <translation>par minute</translation>
    </message>
    <message>
        <source>1-hour buckets</source>
        <translation>par heure</translation>
    </message>
    <message>
        <source>1-day buckets</source>
        <translation>par jour</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>En direct</translation>
    </message>
    <message>
        <source>Follow the newest samples as they arrive</source>
        <translation>Suivre les mesures les plus récentes dès leur arrivée</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exporter en CSV…</translation>
    </message>
    <message>
        <source>Machines</source>
        <translation>Machines</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Grandeurs</translation>
    </message>
    <message>
        <source>Export telemetry</source>
        <translation>Exporter la télémétrie</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>%1 at %2, %3</source>
        <translation>%1 à %2, %3</translation>
    </message>
    <message>
        <source>%1 min–max</source>
        <translation>%1 min–max</translation>
    </message>
    <message>
        <source>%1 %2 %3</source>
        <translation>%1 %2 %3</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d&apos;écrire %1 : %2</translation>
    </message>
</context>
<context>
    <name>Laces::App::TicketDetails</name>
    <message>
        <source>Opened</source>
        <translation>Ouvert</translation>
    </message>
    <message>
        <source>Seen again</source>
        <translation>Vu à nouveau</translation>
    </message>
    <message>
        <source>Severity %1 → %2</source>
        <translation>Gravité %1 → %2</translation>
    </message>
    <message>
        <source>Status %1 → %2</source>
        <translation>État %1 → %2</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Attribution retirée</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Attribué</translation>
    </message>
    <message>
        <source>Comment: %1</source>
        <translation>Commentaire : %1</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>Rouvert</translation>
    </message>
    <message>
        <source>Alert sent</source>
        <translation>Alerte envoyée</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Quoi</translation>
    </message>
    <message>
        <source>%1 beyond its limit</source>
        <translation>%1 au-delà de sa limite</translation>
    </message>
    <message>
        <source>%1 trending towards its limit</source>
        <translation>%1 en tendance vers sa limite</translation>
    </message>
    <message>
        <source>Anomalous behaviour</source>
        <translation>Comportement anormal</translation>
    </message>
    <message>
        <source>No telemetry</source>
        <translation>Pas de télémétrie</translation>
    </message>
    <message>
        <source>Anomaly reported by the edge device</source>
        <translation>Anomalie signalée par l’équipement en périphérie</translation>
    </message>
    <message>
        <source>Reported by a person</source>
        <translation>Signalé par une personne</translation>
    </message>
    <message>
        <source>&lt;i&gt;Choose a ticket to see its evidence and history.&lt;/i&gt;</source>
        <translation>&lt;i&gt;Choisissez un ticket pour voir ses preuves et son historique.&lt;/i&gt;</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>Cause</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Machine</translation>
    </message>
    <message>
        <source>%1 at %2</source>
        <translation>%1 à %2</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Composant</translation>
    </message>
    <message>
        <source>Twin version</source>
        <translation>Version du jumeau</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorité</translation>
    </message>
    <message>
        <source>Occurrences</source>
        <translation>Occurrences</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Vu pour la dernière fois</translation>
    </message>
    <message>
        <source>Predicted failure</source>
        <translation>Défaillance prévue</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Responsable</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Résolution</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>agent</translation>
    </message>
</context>
<context>
    <name>Laces::App::TicketModel</name>
    <message>
        <source>How often the problem was seen</source>
        <translation>Nombre de fois où le problème a été vu</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>N°</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Gravité</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Machine</source>
        <translation>Machine</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Site</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Composant</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Responsable</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Âge</translation>
    </message>
    <message>
        <source>Seen</source>
        <translation>Vu</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Faible</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Moyenne</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Élevée</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Critique</translation>
    </message>
    <message>
        <source>open</source>
        <translation>ouvert</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>pris en compte</translation>
    </message>
    <message>
        <source>in progress</source>
        <translation>en cours</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>résolu</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>clos</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 j</translation>
    </message>
</context>
<context>
    <name>Laces::App::TwinBrowser</name>
    <message>
        <source>&amp;New twin…</source>
        <translation>&amp;Nouveau jumeau…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Précédent</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <source>Search twins by name</source>
        <translation>Rechercher des jumeaux par nom</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>Composants</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <source>Your role cannot create twins.</source>
        <translation>Votre rôle ne permet pas de créer des jumeaux.</translation>
    </message>
    <message>
        <source>Your role cannot delete twins.</source>
        <translation>Votre rôle ne permet pas de supprimer des jumeaux.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message numerus="yes">
        <source>%n twin(s), page %1 of %2</source>
        <translation>
            <numerusform>%n jumeau, page %1 sur %2</numerusform>
            <numerusform>%n jumeaux, page %1 sur %2</numerusform>
        </translation>
    </message>
    <message>
        <source>New twin</source>
        <translation>Nouveau jumeau</translation>
    </message>
    <message>
        <source>Name of the new twin:</source>
        <translation>Nom du nouveau jumeau :</translation>
    </message>
    <message>
        <source>Cannot create the twin</source>
        <translation>Impossible de créer le jumeau</translation>
    </message>
    <message>
        <source>Delete twin</source>
        <translation>Supprimer le jumeau</translation>
    </message>
    <message>
        <source>Delete the twin &quot;%1&quot; with all its versions? This cannot be undone.</source>
        <translation>Supprimer le jumeau « %1 » avec toutes ses versions ? Cette action est irréversible.</translation>
    </message>
    <message>
        <source>Cannot delete the twin</source>
        <translation>Impossible de supprimer le jumeau</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Ouvrir</translation>
    </message>
</context>
<context>
    <name>Laces::App::TwinWorkspace</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Composant</translation>
    </message>
    <message>
        <source>Triangles</source>
        <translation>Triangles</translation>
    </message>
    <message>
        <source>Fit to view</source>
        <translation>Ajuster à la vue</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Properties</source>
        <translation>Propriétés</translation>
    </message>
    <message>
        <source>Not saved</source>
        <translation>Non enregistré</translation>
    </message>
    <message numerus="yes">
        <source>%n component(s), %1 triangles</source>
        <translation>
            <numerusform>%n composant, %1 triangles</numerusform>
            <numerusform>%n composants, %1 triangles</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Loading version…</source>
        <translation>Chargement de la version…</translation>
    </message>
    <message>
        <source>This twin has no versions yet.</source>
        <translation>Ce jumeau n’a pas encore de version.</translation>
    </message>
    <message>
        <source>%1 — version %2%3</source>
        <translation>%1 — version %2%3</translation>
    </message>
    <message>
        <source> (read-only)</source>
        <translation> (lecture seule)</translation>
    </message>
    <message>
        <source>This version has no model.</source>
        <translation>Cette version n’a pas de modèle.</translation>
    </message>
    <message>
        <source>Downloading the model…</source>
        <translation>Téléchargement du modèle…</translation>
    </message>
    <message>
        <source>Reading the model…</source>
        <translation>Lecture du modèle…</translation>
    </message>
    <message>
        <source>Import model…</source>
        <translation>Importer un modèle…</translation>
    </message>
    <message>
        <source>Your role cannot create versions.</source>
        <translation>Votre rôle ne permet pas de créer des versions.</translation>
    </message>
    <message>
        <source>Import model</source>
        <translation>Importer un modèle</translation>
    </message>
    <message>
        <source>3D models (*.glb *.gltf *.stl *.STL *.obj *.ply)</source>
        <translation>Modèles 3D (*.glb *.gltf *.stl *.STL *.obj *.ply)</translation>
    </message>
    <message>
        <source>Uploading %1…</source>
        <translation>Envoi de %1…</translation>
    </message>
    <message>
        <source>Import %1</source>
        <translation>Import de %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;People here&lt;/b&gt;</source>
        <translation>&lt;b&gt;Présents&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modèle</translation>
    </message>
    <message>
        <source>&amp;Ageing (4D)</source>
        <translation>&amp;Vieillissement (4D)</translation>
    </message>
    <message>
        <source>The model, or how its components age over time</source>
        <translation>Le modèle, ou le vieillissement de ses composants au fil du temps</translation>
    </message>
    <message>
        <source>As it was on %1: version %2 (%3)</source>
        <translation>État au %1 : version %2 (%3)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>LACES Genesis desktop workbench.</source>
        <translation>Atelier de bureau LACES Genesis.</translation>
    </message>
    <message>
        <source>Server URL to offer in the login dialog.</source>
        <translation>URL du serveur proposée dans la boîte de connexion.</translation>
    </message>
    <message>
        <source>User name to offer in the login dialog.</source>
        <translation>Nom d’utilisateur proposé dans la boîte de connexion.</translation>
    </message>
    <message>
        <source>Start a local server (embedded database) and log in to it.</source>
        <translation>Démarrer un serveur local (base de données intégrée) et s’y connecter.</translation>
    </message>
</context>
</TS>
