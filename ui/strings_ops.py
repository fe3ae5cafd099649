"""UI strings for the operational pages (agency, region, compliance, upload).

Keys are prefixed by page: `ag_` Instansi, `rg_` Wilayah, `cp_` Kepatuhan, `up_` Unggah, `ops_` shared by
these pages. Column headers used by `ui.format.present()` are `col_<column>`; only columns that the
analysis pages do not define live here (tests check that no key is defined twice).
"""

from indicators.texts import COMPLIANCE_LABELS
from indicators import rules_text as RULES  # the verdict rules in words: one text, shared with the PDF

STRINGS_OPS: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------- shared (nav_* titles are in ui/strings.py)
    "ops_filter_type": {"id": "Jenis instansi", "en": "Agency type"},
    "ops_filter_province": {"id": "Provinsi", "en": "Province"},
    "ops_all": {"id": "Semua", "en": "All"},
    "ops_all_provinces": {"id": "Semua provinsi", "en": "All provinces"},
    "ops_agency": {"id": "Instansi", "en": "Agency"},
    "ops_year": {"id": "Tahun", "en": "Year"},
    "ops_quarter": {"id": "Triwulan", "en": "Quarter"},
    "ops_agency_option": {"id": "{name} ({code})", "en": "{name} ({code})"},
    "ops_value_status": {"id": "{value} · {status}", "en": "{value} · {status}"},
    "ops_no_agencies": {
        "id": "Tidak ada instansi terdaftar yang cocok dengan filter ini. Ubah jenis instansi atau provinsi.",
        "en": "No registered agency matches these filters. Change the agency type or the province."},
    "ops_status_help": {
        "id": RULES.STATUS_RULE["id"] + " " + RULES.BASIS_RULE["id"] + " Indikator kumulatif juga diberi status "
              "progres triwulanan.",
        "en": RULES.STATUS_RULE["en"] + " " + RULES.BASIS_RULE["en"] + " Cumulative indicators also get a "
              "within-year progress status."},

    # ---------------------------------------------------------------- agency page
    "ag_title": {"id": "Rapor instansi", "en": "Agency report card"},
    "ag_intro": {
        "id": "Semua indikator satu instansi dengan nilai terakhir, target yang berlaku, capaian dan status; "
              "rencana aksi; riwayat laporan; dan skor kualitas data. Tautan ?agency=KODE membuka instansi langsung.",
        "en": "Every indicator of one agency with its latest value, the target in force, capaian and status; "
              "action plans; the report history; and a data-quality score. A link with ?agency=CODE opens an "
              "agency directly."},
    "ag_as_of": {"id": "Per triwulan", "en": "As of quarter"},
    "ag_header": {"id": "{name} · {type}{province}", "en": "{name} · {type}{province}"},
    "ag_valid_until": {"id": "Berlaku s.d. {date}. Laporan yang sudah diterima tetap tercatat atas nama instansi ini.",
                       "en": "Valid until {date}. Reports already received stay recorded under this agency."},
    "ag_valid_since": {"id": "Berlaku sejak {date}.", "en": "Valid since {date}."},
    "ag_lineage_predecessor": {"id": "Berasal dari: {names}.", "en": "Comes from: {names}."},
    "ag_lineage_successor": {"id": "Instansi pengganti atau daerah hasil pemekaran: {names}.", "en": "Successor agencies or regions: {names}."},
    "ag_lineage_item_until": {"id": "{name} (s.d. {date})", "en": "{name} (until {date})"},
    "ag_lineage_item_since": {"id": "{name} (sejak {date})", "en": "{name} (since {date})"},
    "ag_in_province": {"id": ", Provinsi {province}", "en": ", province of {province}"},
    "ag_no_submissions": {
        "id": "{name} belum mempunyai laporan triwulanan yang diterima. Nilai indikator, rencana aksi dan "
              "riwayat akan muncul setelah laporan pertama diterima (halaman Unggah laporan).",
        "en": "{name} has no accepted quarterly report yet. Indicator values, action plans and the history "
              "appear once the first report is accepted (Upload a report page)."},
    "ag_upload_link": {"id": "Unggah laporan untuk instansi ini", "en": "Upload a report for this agency"},
    "ag_tab_indicators": {"id": "Indikator", "en": "Indicators"},
    "ag_indicators_heading": {"id": "Indikator ({period})", "en": "Indicators ({period})"},
    "ag_metric_indicators": {"id": "Indikator berlaku", "en": "Applicable indicators"},
    "ag_metric_achieved": {"id": "Target tercapai", "en": "Target achieved"},
    "ag_metric_off_track": {"id": "Kemajuan terbatas / memburuk", "en": "Limited progress / deterioration"},
    "ag_metric_no_data": {"id": "Belum ada data", "en": "No data yet"},
    "ag_metric_on_way": {"id": "Sesuai jalur / perlu percepatan", "en": "On track / acceleration needed"},
    "ag_metric_rest": {"id": "Tanpa data, tanpa target, atau belum dapat dinilai",
                       "en": "No data, no target, or not assessable yet"},
    "ag_metric_rest_help": {"id": "Di antaranya {no_data} belum ada data.", "en": "Of which {no_data} without data yet."},
    "ag_capaian_chart": {"id": "Capaian (%) per indikator", "en": "Capaian (%) per indicator"},
    "ag_no_capaian": {
        "id": "Capaian belum dapat dihitung: belum ada nilai dengan target untuk instansi ini.",
        "en": "Capaian cannot be computed yet: the agency has no value with a target."},
    "ag_renaksi_heading": {"id": "Rencana aksi (renaksi)", "en": "Action plans (renaksi)"},
    "ag_renaksi_year": {"id": "Tahun rencana aksi", "en": "Action-plan year"},
    "ag_renaksi_help": {
        "id": "Realisasi kumulatif s.d. {quarter} dibanding target tahunan (target kumulatif s.d. {quarter}: "
              "{expected} dari target tahunan) dan dibanding jumlah target {quarters}. Serapan anggaran = "
              "realisasi anggaran s.d. TW ini ÷ anggaran.",
        "en": "Cumulative realisation up to {quarter} against the annual target (cumulative target to "
              "{quarter}: {expected} of the annual target) and against the sum of the {quarters} targets. Budget "
              "absorption = budget realised to date ÷ budget."},
    "ag_renaksi_none": {
        "id": "Belum ada rencana aksi yang dilaporkan instansi ini.",
        "en": "This agency has not reported any action plan yet."},
    "ag_renaksi_chart": {"id": "Realisasi s.d. triwulan ini terhadap target tahunan (%)",
                         "en": "Realised to date against the annual target (%)"},
    "ag_history_heading": {"id": "Riwayat laporan", "en": "Report history"},
    "ag_history_help": {
        "id": "Setiap unggahan yang diterima menjadi versi baru; versi terbaru per triwulan yang berlaku.",
        "en": "Every accepted upload becomes a new version; the newest version of each quarter is in force."},
    "ag_in_force": {"id": "Berlaku", "en": "In force"},
    "ag_superseded": {"id": "Digantikan", "en": "Superseded"},
    "ag_diff_heading": {"id": "Bandingkan dua versi", "en": "Compare two versions"},
    "ag_diff_old": {"id": "Versi lama", "en": "Old version"},
    "ag_diff_new": {"id": "Versi baru", "en": "New version"},
    "ag_diff_single": {
        "id": "Baru ada satu laporan; belum ada yang bisa dibandingkan.",
        "en": "There is only one report so far; nothing to compare yet."},
    "ag_diff_same": {"id": "Pilih dua versi yang berbeda.", "en": "Choose two different versions."},
    "ag_diff_summary": {
        "id": "{changed} nilai berubah, {added} ditambahkan, {removed} dihapus, {unchanged} tetap.",
        "en": "{changed} value(s) changed, {added} added, {removed} removed, {unchanged} unchanged."},
    "ag_change_changed": {"id": "Berubah", "en": "Changed"},
    "ag_change_added": {"id": "Ditambahkan", "en": "Added"},
    "ag_change_removed": {"id": "Dihapus", "en": "Removed"},
    "ag_change_unchanged": {"id": "Tetap", "en": "Unchanged"},
    "ag_quality_heading": {"id": "Skor kualitas data", "en": "Data-quality score"},
    "ag_quality_not_ranking": {
        "id": "Ini skor kualitas **pelaporan** data, bukan peringkat kinerja reformasi birokrasi.",
        "en": "This scores the quality of the **reporting**, not the agency's reform performance; it is not a "
              "ranking."},
    "ag_quality_method": {
        "id": "Skor = 100 × (0,4 × ketepatan waktu + 0,4 × kelengkapan + 0,2 × lolos validasi), dirata-rata atas "
              "komponen yang tersedia. Ketepatan waktu: tepat waktu 1; direvisi setelah batas waktu 0,75; "
              "terlambat 0,5; belum diterima 0. Kelengkapan: indikator berlaku yang terisi ÷ indikator berlaku. "
              "Lolos validasi: unggahan diterima ÷ (diterima + ditolak); unggahan duplikat tidak dihitung, dan "
              "tidak tersedia bila triwulan itu tidak ada unggahan tercatat.",
        "en": "Score = 100 × (0.4 × timeliness + 0.4 × completeness + 0.2 × validation pass rate), averaged over "
              "the components that exist. Timeliness: on time 1; revised after the deadline 0.75; late 0.5; not "
              "received 0. Completeness: applicable indicators with a value ÷ applicable indicators. Validation "
              "pass rate: accepted uploads ÷ (accepted + rejected); duplicate uploads are not counted, and it is "
              "missing when no upload was recorded for the quarter."},
    "ag_quality_none": {
        "id": "Belum ada triwulan yang jatuh tempo untuk instansi ini.",
        "en": "No reporting quarter has fallen due for this agency yet."},
    "ag_quality_latest": {"id": "Skor {period}", "en": "Score {period}"},
    "ag_quality_score": {"id": "Skor kualitas data", "en": "Data-quality score"},
    "ag_quality_timeliness": {"id": "Ketepatan waktu", "en": "Timeliness"},
    "ag_quality_completeness": {"id": "Kelengkapan", "en": "Completeness"},
    "ag_quality_validation": {"id": "Lolos validasi", "en": "Validation pass rate"},

    # ---------------------------------------------------------------- region page
    "rg_title": {"id": "Perbandingan wilayah", "en": "Regional comparison"},
    "rg_intro": {
        "id": "Provinsi dibandingkan pada satu indikator dan triwulan, peta petak 38 provinsi, lalu "
              "kabupaten/kota dalam satu provinsi.",
        "en": "Provinces compared on one indicator and quarter, a tile map of the 38 provinces, then the "
              "regencies and cities of one province."},
    "rg_indicator": {"id": "Indikator", "en": "Indicator"},
    "rg_period": {"id": "Triwulan", "en": "Quarter"},
    "rg_no_indicators": {
        "id": "Belum ada indikator yang dilaporkan pemerintah daerah. Perbandingan muncul setelah laporan "
              "provinsi atau kabupaten/kota diterima.",
        "en": "No indicator has been reported by a regional government yet. The comparison appears once "
              "provincial or regency/city reports are accepted."},
    "rg_provinces_heading": {"id": "Provinsi", "en": "Provinces"},
    "rg_reported": {"id": "{n} dari {total} provinsi melaporkan untuk {period}.",
                    "en": "{n} of {total} provinces reported for {period}."},
    "rg_missing": {"id": "Tanpa nilai untuk {period}: {names}.", "en": "No value for {period}: {names}."},
    "rg_provinces_none": {
        "id": "Belum ada provinsi yang melaporkan indikator ini untuk {period}.",
        "en": "No province has reported this indicator for {period}."},
    "rg_map_heading": {"id": "Peta kotak (kartogram) provinsi", "en": "Province tile map"},
    "rg_map_help": {
        "id": "Setiap provinsi satu petak berukuran sama, disusun kira-kira menurut letaknya dari barat ke timur. "
              "Abu-abu muda = tidak ada data untuk triwulan ini.",
        "en": "Each province is one equal tile, placed roughly by location from west to east. Light grey = no "
              "data for this quarter."},
    "rg_map_alt": {
        "id": "Peta kotak (kartogram) 38 provinsi Indonesia berwarna menurut status indikator {indicator} pada {period}.",
        "en": "Tile map of Indonesia's 38 provinces coloured by the status of {indicator} in {period}."},
    "rg_no_data": {"id": "tidak ada data", "en": "no data"},
    "rg_outside_scope": {"id": "di luar cakupan", "en": "outside your scope"},
    "rg_map_phone": {"id": "Peta petak 38 provinsi tampil pada layar lebar; di ponsel, diagram batang di atas memuat setiap provinsi yang melapor beserta nilai dan statusnya.",
                     "en": "The 38-province tile map shows on a wide screen; on a phone, the bars above list every reporting province with its value and status."},
    "rg_kabkota_heading": {"id": "Kabupaten/kota", "en": "Regencies and cities"},
    "rg_kabkota_province": {"id": "Provinsi", "en": "Province"},
    "rg_kabkota_none": {
        "id": "Tidak ada kabupaten/kota otonom terdaftar di {province}.",
        "en": "No autonomous regency or city is registered in {province}."},
    "rg_kabkota_nodata": {
        "id": "Belum ada kabupaten/kota di {province} yang melaporkan indikator ini untuk {period}.",
        "en": "No regency or city in {province} has reported this indicator for {period}."},
    "rg_chart_value": {"id": "Nilai ({unit})", "en": "Value ({unit})"},

    # ---------------------------------------------------------------- compliance page
    "cp_title": {"id": "Kepatuhan pelaporan", "en": "Reporting compliance"},
    "cp_intro": {
        "id": "Apakah setiap instansi yang wajib melapor mengirim laporan triwulanan sebelum batas waktu "
              "(kalender pelaporan yang ditetapkan admin).",
        "en": "Whether every agency that must report sent its quarterly report before the deadline (the "
              "reporting calendar set by the administrator)."},
    # cp_status_<status>: the compliance words of indicators/texts.py (also on the receipt), added below
    "cp_matrix_heading": {"id": "Instansi × triwulan {year}", "en": "Agencies × quarters {year}"},
    "cp_legend": {
        "id": "✓ tepat waktu  |  ✓* tepat waktu, direvisi setelah batas  |  ! terlambat  |  ✗ belum diterima  |  "
              "· belum jatuh tempo",
        "en": "✓ on time  |  ✓* on time, revised after the deadline  |  ! late  |  ✗ not received  |  "
              "· not yet due"},
    "cp_matrix_limited": {
        "id": "Matriks menampilkan {n} dari {total} instansi (yang paling banyak masalah lebih dulu). "
              "Persempit dengan filter; tabel di bawah memuat semuanya.",
        "en": "The matrix shows {n} of {total} agencies (most problems first). Narrow it with the filters; the "
              "table below holds them all."},
    "cp_matrix_alt": {
        "id": "Matriks kepatuhan pelaporan instansi per triwulan tahun {year}.",
        "en": "Reporting-compliance matrix of agencies by quarter, {year}."},
    "cp_none": {
        "id": "Tidak ada instansi yang wajib melapor untuk filter ini.",
        "en": "No agency has to report under these filters."},
    "cp_table_heading": {"id": "Tabel kepatuhan", "en": "Compliance table"},
    "cp_followup_heading": {"id": "Perlu ditindaklanjuti: terlambat atau belum diterima",
                            "en": "To follow up: late or not received"},
    "cp_followup_help": {
        "id": "Daftar beserta e-mail kontak untuk surat pengingat; unduh sebagai CSV atau xlsx.",
        "en": "The list with contact e-mails for reminder letters; download it as CSV or xlsx."},
    "cp_missing_emails": {
        "id": "{n} instansi dalam daftar ini belum mempunyai e-mail kontak di registri instansi. Lengkapi registri "
              "(impor daftar instansi dari Kementerian) agar pengingat dapat dikirim.",
        "en": "{n} agencies in this list have no contact e-mail in the agency registry. Complete the registry "
              "(import the ministry's agency list) so reminders can be sent."},
    "cp_followup_none": {
        "id": "Tidak ada laporan yang terlambat atau belum diterima untuk filter ini.",
        "en": "No report is late or missing under these filters."},

    # ---------------------------------------------------------------- upload page
    "up_title": {"id": "Unggah laporan triwulanan", "en": "Upload a quarterly report"},
    "up_intro": {
        "id": "Unduh templat untuk instansi dan triwulan Anda, isi, lalu unggah. **Periksa saja** memeriksa "
              "tanpa menyimpan; **Kirim** memeriksa lalu menyimpan sebagai versi baru bila tidak ada kesalahan.",
        "en": "Download the template for your agency and quarter, fill it in, then upload it. **Check only** "
              "checks without saving; **Submit** checks and, when there are no errors, saves it as a new version."},
    "up_step_template": {"id": "1. Unduh templat", "en": "1. Download the template"},
    "up_template_button": {"id": "Unduh templat ({file})", "en": "Download the template ({file})"},
    "up_template_failed": {
        "id": "Templat tidak dapat dibuat ({error}). Coba lagi atau hubungi admin PantauRB.",
        "en": "The template could not be made ({error}). Try again or contact the PantauRB admin."},
    "up_step_upload": {"id": "2. Unggah berkas yang sudah diisi", "en": "2. Upload the filled-in file"},
    "up_file": {"id": "Berkas laporan (.xlsx)", "en": "Report file (.xlsx)"},
    "up_file_help": {"id": "Maksimal 10 MB; hanya .xlsx dari templat PantauRB.",
                     "en": "At most 10 MB; only .xlsx made from the PantauRB template."},
    "up_uploader": {"id": "Pengunggah", "en": "Uploader"},
    "up_uploader_help": {
        "id": "Akun yang sedang masuk; dicatat pada laporan dan tanda terima.",
        "en": "The signed-in account; recorded on the submission and its receipt."},
    "up_reason": {"id": "Alasan perbaikan", "en": "Reason for the correction"},
    "up_reason_help": {
        "id": "Wajib bila batas waktu triwulan sudah lewat dan data triwulan itu sudah pernah diterima.",
        "en": "Required when the quarter's deadline has passed and data for it were already accepted."},
    "up_check": {"id": "Periksa saja", "en": "Check only"},
    "up_submit": {"id": "Kirim", "en": "Submit"},
    "up_need_file": {"id": "Pilih berkas .xlsx terlebih dahulu.", "en": "Choose an .xlsx file first."},
    "up_checking": {"id": "Memeriksa {file}…", "en": "Checking {file}…"},
    "up_submitting": {"id": "Memeriksa dan menyimpan {file}…", "en": "Checking and saving {file}…"},
    "up_step_read": {"id": "Membaca dan memeriksa berkas", "en": "Reading and checking the file"},
    "up_step_saved": {"id": "Hasil disimpan di basis data", "en": "Result stored in the database"},
    "up_done": {"id": "Selesai: {file}", "en": "Done: {file}"},
    "up_failed": {"id": "Gagal: {file}", "en": "Failed: {file}"},
    "up_result_heading": {"id": "Hasil: {file}", "en": "Result: {file}"},
    "up_result_check": {"id": "pemeriksaan saja, tidak disimpan", "en": "check only, nothing saved"},
    "up_valid": {
        "id": "Berkas lolos pemeriksaan: tidak ada kesalahan ({warnings} peringatan). Klik **Kirim** untuk menyimpannya.",
        "en": "The file is valid: no errors ({warnings} warning(s)). Click **Submit** to store it."},
    "up_invalid": {
        "id": "Berkas belum dapat diterima: {errors} kesalahan, {warnings} peringatan. Perbaiki sel yang disebut "
              "di tabel (atau di berkas bertanda di bawah), lalu unggah lagi.",
        "en": "The file cannot be accepted yet: {errors} error(s), {warnings} warning(s). Fix the cells listed in "
              "the table (or in the annotated file below), then upload again."},
    "up_accepted": {
        "id": "Diterima sebagai **{submission}** (versi {version}) dengan {warnings} peringatan.",
        "en": "Accepted as **{submission}** (version {version}) with {warnings} warning(s)."},
    "up_duplicate": {
        "id": "Berkas yang sama persis sudah diterima sebelumnya sebagai **{submission}**. Tidak ada yang "
              "diubah; unggahan ini hanya dicatat.",
        "en": "This exact file was already accepted as **{submission}**. Nothing changed; this upload is only "
              "logged."},
    "up_rejected": {
        "id": "Ditolak dan tidak disimpan: {errors} kesalahan harus diperbaiki. Unggahan ini tercatat.",
        "en": "Rejected and not stored: {errors} error(s) must be fixed. This upload has been logged."},
    "up_reason_required": {
        "id": "Batas waktu triwulan ini sudah lewat dan datanya sudah pernah diterima: isi **Alasan perbaikan** "
              "lalu klik **Kirim** lagi.",
        "en": "This quarter's deadline has passed and its data were already accepted: fill in **Reason for the "
              "correction** and click **Submit** again."},
    "up_receipt": {"id": "Unduh tanda terima (HTML)", "en": "Download the receipt (HTML)"},
    "up_open_agency": {"id": "Lihat rapor instansi", "en": "Open the agency report card"},
    "up_problems_heading": {"id": "Masalah yang ditemukan", "en": "Problems found"},
    "up_annotated": {"id": "Unduh berkas bertanda masalah (.xlsx)", "en": "Download the annotated file (.xlsx)"},
    "up_annotated_help": {
        "id": "Salinan berkas Anda: sel bermasalah diwarnai dan diberi komentar, plus lembar daftar masalah.",
        "en": "A copy of your file: problem cells are coloured and commented, plus a sheet listing the problems."},
    "up_annotate_failed": {
        "id": "Berkas bertanda tidak dapat dibuat ({error}); gunakan tabel di atas.",
        "en": "The annotated file could not be made ({error}); use the table above."},
    "up_col_severity_text": {"id": "Jenis", "en": "Kind"},
    "up_col_location": {"id": "Lembar!Sel", "en": "Sheet!Cell"},
    "up_col_indicator": {"id": "Indikator", "en": "Indicator"},
    "up_col_value": {"id": "Nilai yang ditulis", "en": "Value as typed"},
    "up_col_problem": {"id": "Masalah", "en": "Problem"},
    "up_col_fix": {"id": "Cara memperbaiki", "en": "How to fix it"},
    "up_severity_error": {"id": "Kesalahan", "en": "Error"},
    "up_severity_warning": {"id": "Peringatan", "en": "Warning"},
    "up_processing_failed": {
        "id": "Berkas tidak dapat diproses ({error}). Tidak ada yang disimpan. Coba lagi; bila terulang, kirim "
              "berkasnya ke admin PantauRB.",
        "en": "The file could not be processed ({error}). Nothing was stored. Try again; if it happens again, send "
              "the file to the PantauRB admin."},
    "up_db_busy": {
        "id": "Basis data sedang dipakai proses lain (mis. impor lewat baris perintah). Tunggu sebentar lalu "
              "klik lagi; tidak ada yang disimpan.",
        "en": "The database is in use by another process (e.g. a command-line import). Wait a moment and click "
              "again; nothing was stored."},
    "up_waiting": {"id": "Menunggu giliran menyimpan (unggahan lain sedang disimpan)… {seconds} detik",
                   "en": "Waiting for our turn to store (another upload is being stored)… {seconds} s"},
    "up_receipt_not_saved": {
        "id": "Data Anda **sudah tersimpan**, tetapi salinan tanda terima di server gagal ditulis. Unduh tanda "
              "terima di bawah; admin dapat membuat ulang salinannya dengan `python -m loaders receipts --missing`.",
        "en": "Your data **are stored**, but the server copy of the receipt could not be written. Download the "
              "receipt below; an admin can recreate the copy with `python -m loaders receipts --missing`."},

    # ---------------------------------------------------------------- column headers (present())
    "col_province_name": {"id": "Provinsi", "en": "Province"},
    "col_contact_email": {"id": "E-mail kontak", "en": "Contact e-mail"},
    "col_value_shown": {"id": "Nilai", "en": "Value"},
    "col_target_shown": {"id": "Target tahun itu", "en": "Target for that year"},
    "col_end_target_shown": {"id": "Target akhir", "en": "End target"},
    "col_latest_year": {"id": "Tahun nilai", "en": "Year of the value"},
    "col_latest_quarter": {"id": "Triwulan nilai", "en": "Quarter of the value"},
    "col_score": {"id": "Skor kemajuan", "en": "Progress score"},
    "col_end_target_low": {"id": "Target akhir (bawah)", "en": "End target (low)"},
    "col_end_target_high": {"id": "Target akhir (atas)", "en": "End target (high)"},
    "col_target_year": {"id": "Tahun target akhir", "en": "End-target year"},
    "col_source_cell": {"id": "Sel sumber", "en": "Source cell"},
    "col_latest_period": {"id": "Periode nilai", "en": "Period of the value"},
    "col_capaian_pct": {"id": "Capaian (%)", "en": "Capaian (%)"},
    "col_achievement_pct": {"id": "Terhadap target tahunan (%)", "en": "Of annual target (%)"},
    "col_to_date_pct": {"id": "Terhadap target s.d. TW ini (%)", "en": "Of target to date (%)"},
    "col_budget": {"id": "Anggaran (Rp)", "en": "Budget (Rp)"},
    "col_budget_realised": {"id": "Realisasi anggaran (Rp)", "en": "Budget realised (Rp)"},
    "col_absorption_pct": {"id": "Serapan anggaran (%)", "en": "Budget absorption (%)"},
    "col_obstacles": {"id": "Kendala", "en": "Obstacles"},
    "col_version_status": {"id": "Status versi", "en": "Version status"},
    "col_received_at": {"id": "Diterima", "en": "Received"},
    "col_uploader": {"id": "Pengunggah", "en": "Uploader"},
    "col_file_name": {"id": "Nama berkas", "en": "File name"},
    "col_sha256_short": {"id": "SHA-256 (awal)", "en": "SHA-256 (start)"},
    "col_n_warnings": {"id": "Peringatan", "en": "Warnings"},
    "col_change_kind": {"id": "Perubahan", "en": "Change"},
    "col_old_value": {"id": "Nilai lama", "en": "Old value"},
    "col_new_value": {"id": "Nilai baru", "en": "New value"},
    "col_difference": {"id": "Selisih", "en": "Difference"},
    "col_deadline": {"id": "Batas waktu", "en": "Deadline"},
    "col_compliance_text": {"id": "Kepatuhan", "en": "Compliance"},
    "col_first_received_at": {"id": "Pertama diterima", "en": "First received"},
    "col_versions": {"id": "Versi", "en": "Versions"},
    "col_timeliness_pct": {"id": "Ketepatan waktu (%)", "en": "Timeliness (%)"},
    "col_completeness_pct": {"id": "Kelengkapan (%)", "en": "Completeness (%)"},
    "col_validation_pct": {"id": "Lolos validasi (%)", "en": "Validation pass rate (%)"},
    "col_quality_score": {"id": "Skor kualitas data", "en": "Data-quality score"},
    "col_n_filled": {"id": "Indikator terisi", "en": "Indicators filled"},
    "col_n_applicable": {"id": "Indikator berlaku", "en": "Applicable indicators"},
    "col_n_accepted": {"id": "Unggahan diterima", "en": "Uploads accepted"},
    "col_n_attempts": {"id": "Unggahan (diterima + ditolak)", "en": "Uploads (accepted + rejected)"},
    "col_severity_text": {"id": "Tingkat", "en": "Severity"},
    "col_location": {"id": "Lokasi", "en": "Location"},
    "col_column": {"id": "Kolom", "en": "Column"},
    "col_message": {"id": "Pesan", "en": "Message"},
}
STRINGS_OPS.update({f"cp_status_{status}": {"id": label, "en": COMPLIANCE_LABELS["en"][status]}
                    for status, label in COMPLIANCE_LABELS["id"].items()})
