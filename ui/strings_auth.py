"""UI strings for sign-in, roles, verification, the reporting calendar, reminders and the audit trail.

Keys: `auth_` sign-in, `vf_` verification page, `adm_` admin pages, `rm_` reminders, `vo_` the
"verified data only" switch.
"""

STRINGS_AUTH: dict[str, dict[str, str]] = {
    # ---------------------------------------------------------------- sign-in
    "auth_title": {"id": "Masuk ke PantauRB", "en": "Sign in to PantauRB"},
    "auth_username": {"id": "Nama pengguna", "en": "Username"},
    "auth_password": {"id": "Kata sandi", "en": "Password"},
    "auth_submit": {"id": "Masuk", "en": "Sign in"},
    "auth_sso": {"id": "Masuk dengan akun instansi (SSO)", "en": "Sign in with SSO (OIDC)"},
    "auth_logout": {"id": "Keluar", "en": "Sign out"},
    "auth_help": {"id": "Akun dibuat oleh admin PantauRB (`python -m loaders users add`). Lupa kata sandi? Minta admin "
                        "mereset akun Anda.",
                  "en": "Accounts are created by a PantauRB admin (`python -m loaders users add`). Forgot your password? "
                        "Ask an admin to reset your account."},
    "auth_required": {"id": "Silakan masuk terlebih dahulu.", "en": "Please sign in first."},
    "auth_signed_in_as": {"id": "Masuk sebagai **{who}**", "en": "Signed in as **{who}**"},
    "auth_demo_banner": {
        "id": "**Ini demo PantauRB.** Data instansi sintetis dan akun di bawah hanya ada di demo. Pilih satu peran untuk "
              "mencoba; instalasi sungguhan tidak memiliki akun bawaan.",
        "en": "**This is the PantauRB demo.** Agency data are synthetic and the accounts below exist only in the demo. "
              "Pick a role to try it; a real installation has no default accounts."},
    "auth_demo_button": {"id": "{user} · {role}", "en": "{user} · {role}"},
    "auth_demo_sidebar": {"id": "Demo: akun contoh dan data sintetis.", "en": "Demo: sample account and synthetic data."},
    "auth_notice_expired": {"id": "Sesi Anda berakhir. Silakan masuk lagi.", "en": "Your session has expired. Please sign in again."},
    "auth_notice_account_changed": {"id": "Akun Anda diubah atau dinonaktifkan oleh admin. Silakan masuk lagi.",
                                    "en": "Your account was changed or disabled by an admin. Please sign in again."},
    "nav_section_admin": {"id": "Administrasi", "en": "Administration"},
    "nav_verification": {"id": "Verifikasi laporan", "en": "Verify reports"},
    "nav_admin_accounts": {"id": "Akun", "en": "Accounts"},
    "nav_admin_calendar": {"id": "Kalender pelaporan", "en": "Reporting calendar"},
    "nav_admin_audit": {"id": "Jejak audit", "en": "Audit trail"},
    # ---------------------------------------------------------------- verified data only
    "vo_switch": {"id": "Hanya data terverifikasi", "en": "Verified data only"},
    "vo_switch_help": {"id": "Tampilkan hanya versi laporan yang sudah diverifikasi analis.",
                       "en": "Show only report versions that an analyst has verified."},
    "vo_showing_verified": {"id": "Menampilkan **hanya data terverifikasi** pada nilai dan tabel; status dan capaian tetap dihitung dari semua laporan yang diterima.",
                            "en": "Showing **verified data only** in values and tables; statuses and capaian are still computed from every accepted report."},
    "vo_showing_all": {"id": "Menampilkan **semua data yang diterima** (termasuk yang belum diverifikasi).",
                       "en": "Showing **all data received** (including data not yet verified)."},
    # ---------------------------------------------------------------- verification page
    "vf_title": {"id": "Verifikasi laporan", "en": "Verify reports"},
    "vf_intro": {"id": "Laporan yang berlaku per triwulan: **diterima** → **diverifikasi**, atau **dikembalikan** dengan "
                       "catatan untuk instansi. Triwulan yang diverifikasi terkunci sampai admin membukanya kembali.",
                 "en": "Reports in force per quarter: **received** → **verified**, or **returned** with a note for the "
                       "agency. A verified quarter is locked until an admin reopens it."},
    "vf_none": {"id": "Belum ada laporan untuk triwulan ini.", "en": "No reports for this quarter yet."},
    "vf_pick": {"id": "Laporan", "en": "Report"},
    "vf_note": {"id": "Catatan untuk instansi (wajib bila dikembalikan)", "en": "Note for the agency (required for a return)"},
    "vf_verify": {"id": "Verifikasi", "en": "Verify"},
    "vf_return": {"id": "Kembalikan", "en": "Return"},
    "vf_done": {"id": "{submission}: {status}.", "en": "{submission}: {status}."},
    "vf_status_diterima": {"id": "diterima", "en": "received"},
    "vf_status_diverifikasi": {"id": "diverifikasi", "en": "verified"},
    "vf_status_dikembalikan": {"id": "dikembalikan", "en": "returned"},
    "vf_reopen_heading": {"id": "Buka kembali triwulan terkunci (admin)", "en": "Reopen a locked quarter (admin)"},
    "vf_reopen_reason": {"id": "Alasan membuka kembali", "en": "Reason for reopening"},
    "vf_reopen": {"id": "Buka kembali", "en": "Reopen"},
    "vf_reopened": {"id": "{agency} {period} dibuka kembali.", "en": "{agency} {period} reopened."},
    "vf_locked": {"id": "terkunci", "en": "locked"},
    "vf_agency_reviews": {"id": "Hasil verifikasi laporan instansi ini", "en": "Verification of this agency's reports"},
    "col_review_status": {"id": "Status verifikasi", "en": "Review status"},
    "col_reviewed_at": {"id": "Diverifikasi pada", "en": "Reviewed"},
    "col_reviewer": {"id": "Verifikator", "en": "Reviewer"},
    # ---------------------------------------------------------------- admin: accounts
    "adm_accounts_title": {"id": "Akun pengguna", "en": "User accounts"},
    "adm_accounts_intro": {"id": "Peran: admin, analis, koordinator (satu provinsi), pengunggah (satu instansi). Akun tanpa "
                                 "kata sandi masuk lewat SSO dengan e-mailnya. Setiap perubahan tercatat di jejak audit.",
                           "en": "Roles: admin, analis, koordinator (one province), pengunggah (one agency). Accounts without a "
                                 "password sign in through SSO with their e-mail. Every change is in the audit trail."},
    "adm_add_heading": {"id": "Tambah akun", "en": "Add an account"},
    "adm_role": {"id": "Peran", "en": "Role"},
    "adm_agency": {"id": "Kode instansi (pengunggah)", "en": "Agency code (pengunggah)"},
    "adm_province": {"id": "Kode provinsi (koordinator)", "en": "Province code (koordinator)"},
    "adm_email": {"id": "E-mail (SSO dan pengingat)", "en": "E-mail (SSO and reminders)"},
    "adm_add": {"id": "Tambah", "en": "Add"},
    "adm_added": {"id": "Akun {user} dibuat.", "en": "Account {user} created."},
    "adm_toggle_heading": {"id": "Nonaktifkan atau aktifkan akun", "en": "Disable or enable an account"},
    "adm_disable": {"id": "Nonaktifkan", "en": "Disable"},
    "adm_enable": {"id": "Aktifkan", "en": "Enable"},
    "adm_changed": {"id": "Akun {user}: {state}.", "en": "Account {user}: {state}."},
    # ---------------------------------------------------------------- admin: calendar
    "adm_calendar_title": {"id": "Kalender pelaporan", "en": "Reporting calendar"},
    "adm_calendar_intro": {"id": "Per triwulan: tanggal dibuka, batas waktu, dan akhir masa terlambat. Sebelum dibuka dan "
                                 "setelah masa terlambat, unggahan ditolak; setelah batas waktu, pengiriman ulang memerlukan "
                                 "alasan.",
                           "en": "Per quarter: open date, deadline and end of the late window. Before it opens and after the "
                                 "late window uploads are refused; after the deadline a re-submission needs a reason."},
    "adm_calendar_edit": {"id": "Ubah satu triwulan", "en": "Change one quarter"},
    "adm_opens": {"id": "Dibuka", "en": "Opens"},
    "adm_deadline": {"id": "Batas waktu", "en": "Deadline"},
    "adm_late_until": {"id": "Batas akhir keterlambatan", "en": "Late window ends"},
    "adm_reason": {"id": "Alasan perubahan", "en": "Reason for the change"},
    "adm_save": {"id": "Simpan", "en": "Save"},
    "adm_saved": {"id": "Kalender {period} disimpan.", "en": "Calendar for {period} saved."},
    "adm_history": {"id": "Riwayat perubahan kalender", "en": "Calendar change history"},
    "col_opens_on": {"id": "Dibuka", "en": "Opens"},
    "col_late_until": {"id": "Batas akhir keterlambatan", "en": "Late window ends"},
    # ---------------------------------------------------------------- admin: audit
    "adm_audit_title": {"id": "Jejak audit", "en": "Audit trail"},
    "adm_audit_intro": {"id": "Catatan yang tidak dapat diubah atau dihapus: siapa, kapan, apa, sebelum → sesudah. Tidak ada yang dapat "
                              "mengubahnya dari aplikasi; rantai hash menunjukkan perubahan dari luar aplikasi.",
                        "en": "An append-only record: who, when, what, before → after. Nobody can edit it from the app; a "
                              "hash chain shows any change made outside the app."},
    "adm_audit_action": {"id": "Tindakan", "en": "Action"},
    "adm_audit_all": {"id": "Semua tindakan", "en": "All actions"},
    "adm_audit_chain_ok": {"id": "Rantai hash utuh ({n} catatan).", "en": "Hash chain intact ({n} entries)."},
    "adm_audit_chain_broken": {"id": "Rantai hash rusak mulai catatan {seq}: jejak diubah di luar aplikasi.",
                               "en": "Hash chain broken from entry {seq}: the trail was changed outside the app."},
    "adm_audit_anchor_mismatch": {"id": "Catatan {seq} tidak sama dengan kepala rantai yang tertambat di luar basis "
                                        "data: jejak diubah lalu di-hash ulang, atau dihapus lalu dinomori ulang.",
                                  "en": "Entry {seq} differs from the chain head anchored outside the database: the "
                                        "trail was edited and re-hashed, or deleted and renumbered."},
    "adm_audit_truncated": {"id": "Catatan {seq} yang sudah tertambat hilang: catatan terbaru dihapus.",
                            "en": "Anchored entry {seq} is missing: the newest entries were deleted."},
    "adm_audit_unanchored_rows": {"id": "Catatan {seq} dan sesudahnya tidak pernah tertambat: ditambahkan di luar "
                                        "aplikasi.",
                                  "en": "Entry {seq} and later were never anchored: appended outside the app."},
    "adm_audit_export": {"id": "Ekspor CSV", "en": "Export CSV"},
    # ---------------------------------------------------------------- admin: agency registry
    "nav_admin_registry": {"id": "Registri instansi", "en": "Agency registry"},
    "adm_reg_title": {"id": "Registri instansi", "en": "Agency registry"},
    "adm_reg_intro": {"id": "Impor daftar instansi (csv atau xlsx). Perubahan per instansi ditampilkan lebih dulu; baru "
                            "diterapkan setelah Anda menyetujuinya, dan setiap instansi yang berubah dicatat di jejak "
                            "audit (sebelum → sesudah).",
                      "en": "Import an agency list (csv or xlsx). The change per agency is shown first; it is applied only "
                            "once you approve it, and every agency that changes is logged in the audit trail "
                            "(before → after)."},
    "adm_reg_file": {"id": "Daftar instansi (csv atau xlsx)", "en": "Agency list (csv or xlsx)"},
    "adm_reg_preview": {"id": "Tampilkan perubahan", "en": "Show the changes"},
    "adm_reg_apply": {"id": "Terapkan {n} perubahan", "en": "Apply {n} changes"},
    "adm_reg_need_file": {"id": "Pilih berkas terlebih dahulu.", "en": "Choose a file first."},
    "adm_reg_problems": {"id": "Masalah di berkas", "en": "Problems in the file"},
    "adm_reg_rejected": {"id": "Berkas memuat {n} kesalahan: tidak ada yang diimpor. Perbaiki baris yang disebut lalu "
                               "unggah lagi.",
                         "en": "The file has {n} errors: nothing is imported. Fix the rows named and upload it again."},
    "adm_reg_diff_heading": {"id": "Perubahan per instansi", "en": "Changes per agency"},
    "adm_reg_counts": {"id": "{added} baru, {renamed} ganti nama, {ended} berakhir, {successor} penerus, {changed} "
                             "diubah, {unchanged} tetap.",
                       "en": "{added} added, {renamed} renamed, {ended} ended, {successor} successors, {changed} "
                             "changed, {unchanged} unchanged."},
    "adm_reg_nothing": {"id": "Berkas ini tidak mengubah registri.", "en": "This file does not change the registry."},
    "adm_reg_applied": {"id": "Registri diperbarui: {n} instansi berubah.", "en": "Registry updated: {n} agencies changed."},
    "col_reg_detail": {"id": "Rincian", "en": "Detail"},
    "col_row": {"id": "Baris", "en": "Row"},
    # ---------------------------------------------------------------- reminders
    "page_not_for_role": {"id": "Halaman **{page}** tidak tersedia untuk peran Anda; yang ditampilkan: **{shown}**.",
                          "en": "The page **{page}** is not available to your role; shown instead: **{shown}**."},
    "rm_heading": {"id": "Kirim pengingat", "en": "Send reminders"},
    "rm_intro": {"id": "E-mail pengingat ke instansi yang belum melapor untuk {period}. Setiap pengingat dicatat.",
                 "en": "Reminder e-mails to agencies that have not reported for {period}. Every reminder is logged."},
    "rm_not_configured": {"id": "Pengiriman e-mail pengingat belum diaktifkan untuk instalasi ini. Hubungi admin PantauRB; "
                                "sementara itu, unduh daftar tindak lanjut di atas.",
                          "en": "Reminder e-mails are not enabled for this installation. Contact the PantauRB admin; "
                                "meanwhile, download the follow-up list above."},
    "rm_send": {"id": "Kirim pengingat ke {n} instansi", "en": "Send reminders to {n} agencies"},
    "rm_result": {"id": "{sent} pengingat terkirim, {failed} gagal, {skipped} tanpa e-mail.",
                  "en": "{sent} reminders sent, {failed} failed, {skipped} without an e-mail address."},
    "rm_quarter": {"id": "Pengingat untuk triwulan", "en": "Quarter to remind about"},
}
