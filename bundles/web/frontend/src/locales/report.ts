import { area } from './area';

/** Clinical reports (issue 20): the doctor's editor, signing and sharing; the reports lists of doctors and patients. */
export default area(
  {
    title: 'Visit report', nav: 'Reports', open: 'Report', write: 'Write the report', none: 'This visit has no report yet.',
    start: 'Start the report', language: 'Language of the report',
    languages: { en: 'English', fa: 'Persian', ru: 'Russian' },
    status: { draft: 'Draft', approved: 'Approved, not signed', signed: 'Signed' },
    sections: { subjective: 'Subjective', objective: 'Objective', assessment: 'Assessment', plan: 'Plan' },
    saving: 'Saving…', saved: 'Saved (version {{revision}}).', unsaved: 'Changes not saved yet',
    conflict: 'This report was changed elsewhere meanwhile. Reload it to see that version; your last change is not saved.',
    reload: 'Reload the report', warnings: 'Please check',
    dx: {
      title: 'Diagnoses', search: 'Find a diagnosis (ICD-10 code or words)', add: 'Add {{code}}', none: 'No diagnosis yet.',
      primary: 'Primary', remove: 'Remove {{code}}', noMatch: 'No ICD-10 code matches.', code: 'Code', name: 'Diagnosis',
    },
    rx: {
      title: 'Prescription', search: 'Find a medicine in the formulary', add: 'Add {{name}}', none: 'No medicine prescribed.',
      byName: 'Or write in a medicine not in the formulary', addByName: 'Add by name', notListed: 'not in the formulary',
      medicine: 'Medicine', dose: 'Dose', route: 'Route', frequency: 'Frequency', duration: 'Duration',
      quantity: 'Quantity', refills: 'Refills', instructions: 'Instructions', remove: 'Remove {{name}}', noMatch: 'No medicine matches.',
    },
    orders: {
      title: 'Orders', kind: 'Kind', lab: 'Laboratory', imaging: 'Imaging', text: 'What to do', code: 'Code (optional)',
      add: 'Add the order', remove: 'Remove the order', none: 'No orders.',
    },
    followUp: { title: 'Follow-up', days: 'In how many days', note: 'What for', book: 'Book the follow-up visit', inDays: 'in {{days}} days' },
    preview: 'Preview the PDF', approve: 'Approve', approved: 'Approved: nothing changes unless you edit it again.',
    sign: {
      title: 'Sign the report', code: 'Code from your authenticator app', button: 'Sign', done: 'Signed.',
      hint: 'Your signature uses your key issued by the clinic. Signing is final: later changes are addenda.',
    },
    share: 'Share with the patient', shared: 'Shared with the patient on {{when}}.', sharedNow: 'Shared: the patient is told.',
    pdf: 'Open the signed PDF', signedBy: 'Signed by {{who}} on {{when}}', fingerprint: 'SHA-256 of the PDF',
    addenda: {
      title: 'Addenda', none: 'No addenda.', text: 'Addendum', add: 'Sign and add the addendum', added: 'Addendum signed and added.',
      pdf: 'PDF of the addendum of {{when}}',
    },
    list: {
      title: 'Reports', mine: 'My reports', none: 'No reports yet.', visit: 'Visit', patient: 'Patient', doctor: 'Doctor',
      status: 'Status', updated: 'Last change', signed: 'Signed', all: 'All', drafts: 'To finish', toSign: 'To sign',
      shared: 'Shared', open: 'Open',
    },
    notShared: 'Your doctor has not shared a report of this visit yet.',
    deliveries: {
      title: 'Sent to the patient’s systems', none: 'The patient is linked to no system that files reports.',
      state: { queued: 'Queued', in_flight: 'Sending', retrying: 'Retrying', delivered: 'Delivered', dead: 'Failed' },
    },
    signing: {
      title: 'Your signing certificate', clinic: 'Issued by the clinic', imported: 'Your own, from your certificate authority',
      none: 'The clinic issues your certificate when you sign your first report.', subject: 'Certificate', until: 'Valid until {{when}}',
      own: 'Sign with your own certificate', file: 'Certificate file', password: 'Its password',
      upload: 'Use this certificate', done: 'Your next signatures use this certificate.',
    },
  },
  {
    title: 'گزارش ویزیت', nav: 'گزارش‌ها', open: 'گزارش', write: 'نوشتن گزارش', none: 'این ویزیت هنوز گزارشی ندارد.',
    start: 'شروع گزارش', language: 'زبان گزارش',
    languages: { en: 'انگلیسی', fa: 'فارسی', ru: 'روسی' },
    status: { draft: 'پیش‌نویس', approved: 'تأییدشده، امضانشده', signed: 'امضاشده' },
    sections: { subjective: 'شرح حال', objective: 'معاینه', assessment: 'ارزیابی', plan: 'برنامه' },
    saving: 'در حال ذخیره…', saved: 'ذخیره شد (نسخهٔ {{revision}}).', unsaved: 'تغییرها هنوز ذخیره نشده',
    conflict: 'این گزارش در این فاصله جای دیگری تغییر کرده است. برای دیدن آن نسخه دوباره بارگذاری کنید؛ آخرین تغییر شما ذخیره نشده است.',
    reload: 'بارگذاری دوبارهٔ گزارش', warnings: 'لطفاً بررسی کنید',
    dx: {
      title: 'تشخیص‌ها', search: 'جست‌وجوی تشخیص (کد ICD-10 یا واژه)', add: 'افزودن {{code}}', none: 'هنوز تشخیصی نیست.',
      primary: 'اصلی', remove: 'حذف {{code}}', noMatch: 'هیچ کد ICD-10 پیدا نشد.', code: 'کد', name: 'تشخیص',
    },
    rx: {
      title: 'نسخه', search: 'جست‌وجوی دارو در فهرست دارویی', add: 'افزودن {{name}}', none: 'دارویی تجویز نشده است.',
      byName: 'یا دارویی خارج از فهرست را بنویسید', addByName: 'افزودن با نام', notListed: 'خارج از فهرست دارویی',
      medicine: 'دارو', dose: 'مقدار', route: 'راه مصرف', frequency: 'دفعات', duration: 'مدت',
      quantity: 'تعداد', refills: 'تکرار', instructions: 'دستور مصرف', remove: 'حذف {{name}}', noMatch: 'هیچ دارویی پیدا نشد.',
    },
    orders: {
      title: 'درخواست‌ها', kind: 'نوع', lab: 'آزمایش', imaging: 'تصویربرداری', text: 'شرح درخواست', code: 'کد (اختیاری)',
      add: 'افزودن درخواست', remove: 'حذف درخواست', none: 'درخواستی نیست.',
    },
    followUp: { title: 'پیگیری', days: 'چند روز بعد', note: 'برای چه', book: 'رزرو ویزیت پیگیری', inDays: '{{days}} روز بعد' },
    preview: 'پیش‌نمایش PDF', approve: 'تأیید', approved: 'تأیید شد: تا دوباره ویرایش نکنید چیزی تغییر نمی‌کند.',
    sign: {
      title: 'امضای گزارش', code: 'کد برنامهٔ احراز هویت', button: 'امضا', done: 'امضا شد.',
      hint: 'امضای شما با کلیدی است که درمانگاه برایتان صادر کرده است. امضا قطعی است: تغییرهای بعدی به‌صورت الحاقیه‌اند.',
    },
    share: 'اشتراک با بیمار', shared: 'در {{when}} با بیمار به اشتراک گذاشته شد.', sharedNow: 'به اشتراک گذاشته شد: به بیمار خبر داده می‌شود.',
    pdf: 'باز کردن PDF امضاشده', signedBy: 'امضای {{who}} در {{when}}', fingerprint: 'SHA-256 فایل PDF',
    addenda: {
      title: 'الحاقیه‌ها', none: 'الحاقیه‌ای نیست.', text: 'الحاقیه', add: 'امضا و افزودن الحاقیه', added: 'الحاقیه امضا و افزوده شد.',
      pdf: 'PDF الحاقیهٔ {{when}}',
    },
    list: {
      title: 'گزارش‌ها', mine: 'گزارش‌های من', none: 'هنوز گزارشی نیست.', visit: 'ویزیت', patient: 'بیمار', doctor: 'پزشک',
      status: 'وضعیت', updated: 'آخرین تغییر', signed: 'امضا', all: 'همه', drafts: 'برای تکمیل', toSign: 'برای امضا',
      shared: 'اشتراک‌گذاری‌شده', open: 'باز کردن',
    },
    notShared: 'پزشک شما هنوز گزارشی از این ویزیت به اشتراک نگذاشته است.',
    deliveries: {
      title: 'ارسال به سامانه‌های بیمار', none: 'بیمار به هیچ سامانه‌ای که گزارش بپذیرد وصل نیست.',
      state: { queued: 'در صف', in_flight: 'در حال ارسال', retrying: 'تلاش دوباره', delivered: 'تحویل شد', dead: 'ناموفق' },
    },
    signing: {
      title: 'گواهی امضای شما', clinic: 'صادرشده توسط درمانگاه', imported: 'گواهی خودتان، از مرجع صدور گواهی شما',
      none: 'درمانگاه هنگام امضای نخستین گزارش برایتان گواهی صادر می‌کند.', subject: 'گواهی', until: 'معتبر تا {{when}}',
      own: 'امضا با گواهی خودتان', file: 'پروندهٔ گواهی', password: 'گذرواژهٔ آن',
      upload: 'استفاده از این گواهی', done: 'امضاهای بعدی شما با این گواهی انجام می‌شود.',
    },
  },
  {
    title: 'Отчёт о визите', nav: 'Отчёты', open: 'Отчёт', write: 'Написать отчёт', none: 'У этого визита ещё нет отчёта.',
    start: 'Начать отчёт', language: 'Язык отчёта',
    languages: { en: 'Английский', fa: 'Персидский', ru: 'Русский' },
    status: { draft: 'Черновик', approved: 'Утверждён, не подписан', signed: 'Подписан' },
    sections: { subjective: 'Жалобы', objective: 'Объективно', assessment: 'Оценка', plan: 'План' },
    saving: 'Сохранение…', saved: 'Сохранено (версия {{revision}}).', unsaved: 'Изменения ещё не сохранены',
    conflict: 'Отчёт тем временем изменили в другом месте. Загрузите его заново, чтобы увидеть ту версию; ваше последнее изменение не сохранено.',
    reload: 'Загрузить отчёт заново', warnings: 'Проверьте',
    dx: {
      title: 'Диагнозы', search: 'Найти диагноз (код МКБ-10 или слова)', add: 'Добавить {{code}}', none: 'Диагнозов пока нет.',
      primary: 'Основной', remove: 'Удалить {{code}}', noMatch: 'Код МКБ-10 не найден.', code: 'Код', name: 'Диагноз',
    },
    rx: {
      title: 'Рецепт', search: 'Найти препарат в формуляре', add: 'Добавить {{name}}', none: 'Препараты не назначены.',
      byName: 'Или впишите препарат не из формуляра', addByName: 'Добавить по названию', notListed: 'не из формуляра',
      medicine: 'Препарат', dose: 'Доза', route: 'Путь введения', frequency: 'Частота', duration: 'Длительность',
      quantity: 'Количество', refills: 'Повторы', instructions: 'Указания', remove: 'Удалить {{name}}', noMatch: 'Препарат не найден.',
    },
    orders: {
      title: 'Назначения', kind: 'Вид', lab: 'Лаборатория', imaging: 'Визуализация', text: 'Что сделать', code: 'Код (необязательно)',
      add: 'Добавить назначение', remove: 'Удалить назначение', none: 'Назначений нет.',
    },
    followUp: { title: 'Контроль', days: 'Через сколько дней', note: 'Зачем', book: 'Записать на повторный визит', inDays: 'через {{days}} дн.' },
    preview: 'Предпросмотр PDF', approve: 'Утвердить', approved: 'Утверждён: ничего не изменится, пока вы не отредактируете его снова.',
    sign: {
      title: 'Подписать отчёт', code: 'Код из приложения-аутентификатора', button: 'Подписать', done: 'Подписано.',
      hint: 'Подпись ставится вашим ключом, выданным клиникой. Подпись окончательна: дальнейшие изменения — дополнения.',
    },
    share: 'Передать пациенту', shared: 'Передан пациенту {{when}}.', sharedNow: 'Передан: пациент получит уведомление.',
    pdf: 'Открыть подписанный PDF', signedBy: 'Подписал(а) {{who}} {{when}}', fingerprint: 'SHA-256 файла PDF',
    addenda: {
      title: 'Дополнения', none: 'Дополнений нет.', text: 'Дополнение', add: 'Подписать и добавить дополнение', added: 'Дополнение подписано и добавлено.',
      pdf: 'PDF дополнения от {{when}}',
    },
    list: {
      title: 'Отчёты', mine: 'Мои отчёты', none: 'Отчётов пока нет.', visit: 'Визит', patient: 'Пациент', doctor: 'Врач',
      status: 'Статус', updated: 'Изменён', signed: 'Подписан', all: 'Все', drafts: 'Дописать', toSign: 'Подписать',
      shared: 'Переданные', open: 'Открыть',
    },
    notShared: 'Врач ещё не передал вам отчёт об этом визите.',
    deliveries: {
      title: 'Отправлено в системы пациента', none: 'Пациент не связан ни с одной системой, принимающей отчёты.',
      state: { queued: 'В очереди', in_flight: 'Отправляется', retrying: 'Повтор', delivered: 'Доставлено', dead: 'Не удалось' },
    },
    signing: {
      title: 'Ваш сертификат подписи', clinic: 'Выдан клиникой', imported: 'Ваш собственный, от вашего удостоверяющего центра',
      none: 'Клиника выдаст вам сертификат при подписании первого отчёта.', subject: 'Сертификат', until: 'Действителен до {{when}}',
      own: 'Подписывать своим сертификатом', file: 'Файл сертификата', password: 'Его пароль',
      upload: 'Использовать этот сертификат', done: 'Следующие подписи будут сделаны этим сертификатом.',
    },
  },
);
