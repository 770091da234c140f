import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { type Lang, LANGS, dirOf } from './format';
import type { Area, Texts } from './locales/area';

const en = {
  app: 'Telehub', skip: 'Skip to content',
  partFailed: 'This part of the page could not be shown. Reload the page to try again.', language: 'Language', calendar: 'Calendar',
  gregory: 'Gregorian', persian: 'Solar Hijri (Jalali)', signOut: 'Sign out', loading: 'Loading…',
  nav: { visits: 'My visits', find: 'Find a doctor', agenda: 'Agenda', messages: 'Messages',
    desk: 'Book for a patient',
    admin: 'Administration' },
  login: {
    title: 'Sign in', username: 'Username', password: 'Password', totp: 'Code from your authenticator app',
    totpHint: 'This account has a second factor: enter the 6-digit code (or a recovery code).',
    submit: 'Sign in', oidc: 'Sign in with the identity provider', expired: 'Your session ended. Sign in again; your unsaved work was kept.',
    providerError: {
      denied: 'The identity provider signed you in, but this account may not use Telehub. Ask the clinic to give it access.',
      expired: 'The sign-in took too long. Start it again.',
      invalid_state: 'This sign-in was not started here or was already used. Start it again from this page.',
      failed: 'The sign-in with the identity provider did not work. Try again, or sign in with your Telehub password.',
    },
  },
  find: {
    title: 'Find a doctor', speciality: 'Speciality', clinic: 'Clinic', any: 'Any', noDoctors: 'No doctor matches. Choose another speciality or clinic.',
    slotsFor: 'Free times with {{name}}', yourZone: 'Times are shown in your time zone ({{zone}}).',
    noSlots: 'No free time in the next two weeks. Try another doctor.', choose: 'Choose',
    complaint: 'Reason for the visit', notes: 'Notes for the doctor before the visit', book: 'Book this time',
    booked: 'Booked. You can see it under My visits.', selected: 'Selected: {{time}}',
    anyClinic: 'Any of their clinics', atClinic: 'at {{clinic}}',
  },
  visits: {
    title: 'My visits', upcoming: 'Upcoming', past: 'Past', none: 'No visits here. Find a doctor to book one.',
    with: 'with {{name}}', cancel: 'Cancel visit', reschedule: 'Reschedule', cancelled: 'Visit cancelled.',
    rescheduled: 'Visit moved.', newTime: 'New time', confirmCancel: 'Cancel this visit?', keep: 'Keep it', join: 'Join',
  },
  status: { planned: 'Planned', scheduled: 'Scheduled', confirmed: 'Confirmed', arrived: 'Arrived', in_progress: 'In progress', finished: 'Finished', cancelled: 'Cancelled', no_show: 'No-show', completed: 'Completed', booked: 'Booked' },
  agenda: { title: 'Agenda', day: 'Day', week: 'Week', previous: 'Previous', next: 'Next', today: 'Today', none: 'No visits in this period.' },
  visit: {
    title: 'Visit', patient: 'Patient', doctor: 'Doctor', time: 'Time', status: 'Status', complaint: 'Complaint',
    patientNotes: 'Patient’s notes', doctorNotes: 'Doctor’s notes', saveNotes: 'Save notes', saved: 'Saved.',
    reason: 'Reason', none: '—', clinic: 'Clinic',
    actions: { start: 'Start visit', end: 'End visit', 'no-show': 'Mark as no-show', cancel: 'Cancel visit', confirm: 'Confirm' },
  },
  join: {
    title: 'Join your visit', checking: 'Checking your link…', invalid: 'This link cannot be used',
    visit: 'Visit at {{time}}', devices: 'Device check', camera: 'Camera', microphone: 'Microphone', speaker: 'Speaker',
    startCheck: 'Check camera and microphone', stopCheck: 'Stop the check', tone: 'Play a test tone', level: 'Microphone level',
    cameraOk: 'Camera works: you should see yourself.', denied: 'The browser was not allowed to use the camera or microphone: {{reason}}',
    roomLater: 'You enter the visit’s room from your account: check your camera and microphone here, then sign in.', signIn: 'Sign in to enter the room',
    code: { intro: 'Enter the access code the clinic gave you, and your name as the others should see it.', code: 'Access code',
      name: 'Your name', join: 'Join' },
  },
  error: { title: 'Something went wrong', notFound: 'This page does not exist.', home: 'Go to the start page' },
};

type Dict = typeof en;

const fa: Dict = {
  app: 'تله‌هاب', skip: 'رفتن به محتوا',
  partFailed: 'این بخش از صفحه نمایش داده نشد. برای تلاش دوباره صفحه را از نو بارگذاری کنید.', language: 'زبان', calendar: 'تقویم',
  gregory: 'میلادی', persian: 'هجری شمسی (جلالی)', signOut: 'خروج', loading: 'در حال بارگذاری…',
  nav: { visits: 'ویزیت‌های من', find: 'یافتن پزشک', agenda: 'برنامه', messages: 'پیام‌ها',
    desk: 'نوبت‌دهی برای بیمار',
    admin: 'مدیریت' },
  login: {
    title: 'ورود', username: 'نام کاربری', password: 'گذرواژه', totp: 'کد برنامهٔ احراز هویت',
    totpHint: 'این حساب عامل دوم دارد: کد ۶ رقمی (یا کد بازیابی) را وارد کنید.',
    submit: 'ورود', oidc: 'ورود با سامانهٔ هویت', expired: 'نشست شما پایان یافت. دوباره وارد شوید؛ کار ذخیره‌نشدهٔ شما نگه داشته شد.',
    providerError: {
      denied: 'سامانهٔ هویت شما را شناخت، اما این حساب اجازهٔ استفاده از تله‌هاب را ندارد. از درمانگاه بخواهید دسترسی بدهد.',
      expired: 'ورود بیش از حد طول کشید. دوباره شروع کنید.',
      invalid_state: 'این ورود اینجا شروع نشده یا پیش‌تر استفاده شده است. از همین صفحه دوباره شروع کنید.',
      failed: 'ورود با سامانهٔ هویت انجام نشد. دوباره تلاش کنید یا با گذرواژهٔ تله‌هاب وارد شوید.',
    },
  },
  find: {
    title: 'یافتن پزشک', speciality: 'تخصص', clinic: 'درمانگاه', any: 'همه', noDoctors: 'پزشکی یافت نشد. تخصص یا درمانگاه دیگری انتخاب کنید.',
    slotsFor: 'زمان‌های آزاد {{name}}', yourZone: 'زمان‌ها به وقت شما ({{zone}}) نمایش داده می‌شوند.',
    noSlots: 'در دو هفتهٔ آینده زمان آزادی نیست. پزشک دیگری را امتحان کنید.', choose: 'انتخاب',
    complaint: 'علت مراجعه', notes: 'یادداشت برای پزشک پیش از ویزیت', book: 'رزرو این زمان',
    booked: 'رزرو شد. آن را در «ویزیت‌های من» می‌بینید.', selected: 'انتخاب‌شده: {{time}}',
    anyClinic: 'هر یک از درمانگاه‌های پزشک', atClinic: 'در {{clinic}}',
  },
  visits: {
    title: 'ویزیت‌های من', upcoming: 'پیش رو', past: 'گذشته', none: 'ویزیتی نیست. برای رزرو، پزشکی پیدا کنید.',
    with: 'با {{name}}', cancel: 'لغو ویزیت', reschedule: 'تغییر زمان', cancelled: 'ویزیت لغو شد.',
    rescheduled: 'زمان ویزیت تغییر کرد.', newTime: 'زمان جدید', confirmCancel: 'این ویزیت لغو شود؟', keep: 'نگه داشتن', join: 'پیوستن',
  },
  status: { planned: 'برنامه‌ریزی‌شده', scheduled: 'زمان‌بندی‌شده', confirmed: 'تأییدشده', arrived: 'حاضر', in_progress: 'در جریان', finished: 'پایان‌یافته', cancelled: 'لغوشده', no_show: 'عدم حضور', completed: 'انجام‌شده', booked: 'رزروشده' },
  agenda: { title: 'برنامه', day: 'روز', week: 'هفته', previous: 'قبلی', next: 'بعدی', today: 'امروز', none: 'در این بازه ویزیتی نیست.' },
  visit: {
    title: 'ویزیت', patient: 'بیمار', doctor: 'پزشک', time: 'زمان', status: 'وضعیت', complaint: 'شکایت اصلی',
    patientNotes: 'یادداشت بیمار', doctorNotes: 'یادداشت پزشک', saveNotes: 'ذخیرهٔ یادداشت‌ها', saved: 'ذخیره شد.',
    reason: 'دلیل', none: '—', clinic: 'درمانگاه',
    actions: { start: 'شروع ویزیت', end: 'پایان ویزیت', 'no-show': 'ثبت عدم حضور', cancel: 'لغو ویزیت', confirm: 'تأیید' },
  },
  join: {
    title: 'پیوستن به ویزیت', checking: 'در حال بررسی پیوند…', invalid: 'این پیوند قابل استفاده نیست',
    visit: 'ویزیت در {{time}}', devices: 'بررسی دستگاه‌ها', camera: 'دوربین', microphone: 'میکروفون', speaker: 'بلندگو',
    startCheck: 'بررسی دوربین و میکروفون', stopCheck: 'توقف بررسی', tone: 'پخش صدای آزمایشی', level: 'سطح صدای میکروفون',
    cameraOk: 'دوربین کار می‌کند: باید تصویر خود را ببینید.', denied: 'مرورگر اجازهٔ استفاده از دوربین یا میکروفون نیافت: {{reason}}',
    roomLater: 'از حساب کاربری خود وارد اتاق ویزیت می‌شوید: اینجا دوربین و میکروفون را بررسی کنید، سپس وارد شوید.', signIn: 'ورود برای رفتن به اتاق',
    code: { intro: 'کد دسترسی‌ای را که درمانگاه به شما داده است و نام خود را، آن‌گونه که دیگران باید ببینند، وارد کنید.',
      code: 'کد دسترسی', name: 'نام شما', join: 'پیوستن' },
  },
  error: { title: 'خطایی رخ داد', notFound: 'این صفحه وجود ندارد.', home: 'رفتن به صفحهٔ نخست' },
};

const ru: Dict = {
  app: 'Telehub', skip: 'Перейти к содержимому',
  partFailed: 'Эту часть страницы не удалось показать. Перезагрузите страницу, чтобы попробовать снова.', language: 'Язык', calendar: 'Календарь',
  gregory: 'Григорианский', persian: 'Солнечная хиджра (джалали)', signOut: 'Выйти', loading: 'Загрузка…',
  nav: { visits: 'Мои приёмы', find: 'Найти врача', agenda: 'Расписание', messages: 'Сообщения',
    desk: 'Запись пациента',
    admin: 'Администрирование' },
  login: {
    title: 'Вход', username: 'Имя пользователя', password: 'Пароль', totp: 'Код из приложения-аутентификатора',
    totpHint: 'У этой учётной записи есть второй фактор: введите 6-значный код (или код восстановления).',
    submit: 'Войти', oidc: 'Войти через поставщика удостоверений', expired: 'Сеанс завершён. Войдите снова; несохранённые данные сохранены.',
    providerError: {
      denied: 'Поставщик удостоверений вас узнал, но этой учётной записи нельзя пользоваться Telehub. Попросите клинику дать доступ.',
      expired: 'Вход занял слишком много времени. Начните заново.',
      invalid_state: 'Этот вход начат не здесь или уже использован. Начните заново с этой страницы.',
      failed: 'Вход через поставщика удостоверений не удался. Попробуйте снова или войдите с паролем Telehub.',
    },
  },
  find: {
    title: 'Найти врача', speciality: 'Специальность', clinic: 'Клиника', any: 'Любая', noDoctors: 'Нет подходящих врачей. Выберите другую специальность или клинику.',
    slotsFor: 'Свободное время: {{name}}', yourZone: 'Время указано в вашем часовом поясе ({{zone}}).',
    noSlots: 'В ближайшие две недели свободного времени нет. Попробуйте другого врача.', choose: 'Выбрать',
    complaint: 'Причина обращения', notes: 'Заметки для врача перед приёмом', book: 'Записаться на это время',
    booked: 'Запись создана. Она видна в разделе «Мои приёмы».', selected: 'Выбрано: {{time}}',
    anyClinic: 'Любая из клиник врача', atClinic: 'в {{clinic}}',
  },
  visits: {
    title: 'Мои приёмы', upcoming: 'Предстоящие', past: 'Прошедшие', none: 'Приёмов нет. Найдите врача, чтобы записаться.',
    with: 'врач: {{name}}', cancel: 'Отменить приём', reschedule: 'Перенести', cancelled: 'Приём отменён.',
    rescheduled: 'Приём перенесён.', newTime: 'Новое время', confirmCancel: 'Отменить этот приём?', keep: 'Оставить', join: 'Подключиться',
  },
  status: { planned: 'Запланирован', scheduled: 'Назначен', confirmed: 'Подтверждён', arrived: 'Прибыл', in_progress: 'Идёт', finished: 'Завершён', cancelled: 'Отменён', no_show: 'Неявка', completed: 'Завершён', booked: 'Записан' },
  agenda: { title: 'Расписание', day: 'День', week: 'Неделя', previous: 'Назад', next: 'Вперёд', today: 'Сегодня', none: 'В этот период приёмов нет.' },
  visit: {
    title: 'Приём', patient: 'Пациент', doctor: 'Врач', time: 'Время', status: 'Статус', complaint: 'Жалоба',
    patientNotes: 'Заметки пациента', doctorNotes: 'Заметки врача', saveNotes: 'Сохранить заметки', saved: 'Сохранено.',
    reason: 'Причина', none: '—', clinic: 'Клиника',
    actions: { start: 'Начать приём', end: 'Завершить приём', 'no-show': 'Отметить неявку', cancel: 'Отменить приём', confirm: 'Подтвердить' },
  },
  join: {
    title: 'Подключение к приёму', checking: 'Проверяем ссылку…', invalid: 'Эту ссылку нельзя использовать',
    visit: 'Приём: {{time}}', devices: 'Проверка устройств', camera: 'Камера', microphone: 'Микрофон', speaker: 'Динамик',
    startCheck: 'Проверить камеру и микрофон', stopCheck: 'Остановить проверку', tone: 'Воспроизвести тестовый сигнал', level: 'Уровень микрофона',
    cameraOk: 'Камера работает: вы должны видеть себя.', denied: 'Браузеру не разрешено использовать камеру или микрофон: {{reason}}',
    roomLater: 'В комнату приёма вы входите из своей учётной записи: проверьте здесь камеру и микрофон, затем войдите.', signIn: 'Войти, чтобы попасть в комнату',
    code: { intro: 'Введите код доступа, который дала клиника, и имя, под которым вас увидят другие.', code: 'Код доступа',
      name: 'Ваше имя', join: 'Подключиться' },
  },
  error: { title: 'Что-то пошло не так', notFound: 'Такой страницы нет.', home: 'На главную' },
};

const STORE_KEY = 'telehub.lang';

export function initialLang(): Lang {
  const saved = localStorage.getItem(STORE_KEY) as Lang | null;
  if (saved && LANGS.includes(saved)) return saved;
  const nav = (navigator.language || 'en').slice(0, 2) as Lang;
  return LANGS.includes(nav) ? nav : 'en';
}

/** Sets the language everywhere it shows: i18next, <html lang dir>, and remembered for the next visit. */
export function applyLang(lang: Lang): void {
  localStorage.setItem(STORE_KEY, lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = dirOf(lang);
  void i18n.changeLanguage(lang);
}

/** Every area's texts (src/locales/<area>.ts), each under its file's name. */
const areas = Object.entries(import.meta.glob<{ default: Area<Texts> }>('./locales/*.ts', { eager: true }))
  .filter(([file]) => !file.endsWith('/area.ts'))
  .map(([file, mod]) => [file.replace(/^.*\/(\w+)\.ts$/, '$1'), mod.default] as const);

function withAreas<T extends object>(core: T, lang: Lang): T {
  const all: Record<string, unknown> = { ...(core as Record<string, unknown>) };
  for (const [name, texts] of areas) {
    if (name in all) throw new Error(`locales/${name}.ts clashes with the core texts' key ${name}`);
    all[name] = texts[lang];
  }
  return all as T;
}

export const resources = {
  en: { translation: withAreas(en, 'en') }, fa: { translation: withAreas(fa, 'fa') }, ru: { translation: withAreas(ru, 'ru') },
};

export function initI18n(lang: Lang) {
  void i18n.use(initReactI18next).init({
    resources, lng: lang, fallbackLng: 'en', interpolation: { escapeValue: false }, returnNull: false,
  });
  document.documentElement.lang = lang;
  document.documentElement.dir = dirOf(lang);
  return i18n;
}
