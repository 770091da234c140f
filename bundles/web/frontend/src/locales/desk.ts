import { area } from './area';

// The desk area: booking for a patient (front desk, nurses), a visit's invitations, the doctor's working hours, and
// the day picker the find-a-doctor page shares.
const en = {
  title: 'Book for a patient',
  bookFor: 'Book for', otherPatient: 'Another patient', patientChosen: 'Patient: {{name}}',
  name: 'Name', email: 'Email', phone: 'Phone', kind: 'Role', account: 'Telehub account', remove: 'Remove',
  accessCode: 'Access code',
  find: {
    title: 'Find a patient', rule: 'Enter the exact name and the birth date, as on the patient’s record.',
    name: 'Full name', birthDate: 'Birth date', submit: 'Find', none: 'No patient with this name and birth date. Check the spelling, or register the patient below.',
    results: 'Patients found',
  },
  mine: { title: 'Patients of my care team', none: 'No patients in your care team yet.' },
  register: {
    title: 'Register a new patient', name: 'Full name', email: 'Email (for invitations)', phone: 'Mobile phone (for SMS)',
    username: 'Telehub account (optional)', usernameHint: 'Only if the patient signs in to the app.', submit: 'Register',
  },
  book: {
    title: 'Book a visit for {{name}}', doctor: 'Doctor', chooseDoctor: 'Choose a doctor', type: 'Kind of visit',
    zone: 'Times are shown in your time zone ({{zone}}).', complaint: 'Reason for the visit', participants: 'Who else takes part',
    noParticipants: 'Nobody else: only the doctor and the patient.', participant: 'Participant', addParticipant: 'Add a participant',
    submit: 'Book the visit',
  },
  booked: {
    title: 'Visit booked', notice: 'Booked: {{name}} with {{doctor}} on {{time}}.', status: 'Status', links: 'Join links',
    noLinks: 'The API gives join links to the doctor, the patient and each invited person, not to your role: send them with an invitation.',
    noRoom: 'An in-person visit has no join links.',
  },
  day: {
    label: 'Day', previous: 'Previous month', next: 'Next month', soonest: 'Show the soonest times',
    noneThatDay: 'No free time on this day. Choose another day.', noneSoon: 'No free time in the next two weeks. Choose a later day.',
    choose: 'Choose a day',
  },
  types: { video: 'Video', audio: 'Audio', in_person: 'In person', chat: 'Chat', follow_up: 'Follow-up' },
  kinds: { colleague: 'Colleague', interpreter: 'Interpreter', guest: 'Guest', patient: 'Patient' },
  who: { doctor: 'Doctor', patient: 'Patient' },
  channels: { email: 'By email', sms: 'By SMS' },
  sendStates: { pending: 'waiting', sending: 'sending', sent: 'sent', failed: 'failed', cancelled: 'withdrawn', unknown: 'unknown' },
  langs: { en: 'English', fa: 'Persian', ru: 'Russian' },
  inv: {
    title: 'Participants and invitations', link: 'Participants and invitations', list: 'Invitations', none: 'No invitations yet.',
    noCode: 'none yet', language: 'Language', sends: 'Sent by', state: 'State', revoke: 'Revoke',
    revokedAt: 'revoked {{time}}', redeemedAt: 'used {{time}}', validUntil: 'valid until {{time}}',
    new: 'Invite someone', nameOptional: 'Name (optional)', phoneHint: 'International form, e.g. +4915112345678',
    channels: 'Send by', submit: 'Send the invitation', sent: 'Invitation for {{name}} created.', revoked: 'Invitation for {{name}} revoked.',
  },
  hours: {
    title: 'Working hours', back: 'Back to the agenda', zone: 'Time zone', zoneHint: 'The hours below are in this zone, e.g. Europe/Berlin.',
    slot: 'Slot length (minutes)', weekly: 'Every week', free: 'Not working.', from: 'From', to: 'To', addHours: 'Add hours',
    exceptions: 'Time off and extra hours', exceptionsHint: 'Time off without times is the whole day.',
    date: 'Date', off: 'Time off', extra: 'Extra hours', reason: 'Note', addException: 'Add time off or extra hours',
    save: 'Save working hours', saved: 'Working hours saved.', fix: 'Correct the marked field and save again.',
    noRecord: 'Your account has no doctor record: an administrator adds it.',
    kind: 'Type', clinic: 'Clinic', noClinic: 'No particular clinic', clinicsHint: 'Hours at each of your clinics; two clinics may share hours, and no two visits ever overlap.',
  },
  days: { monday: 'Monday', tuesday: 'Tuesday', wednesday: 'Wednesday', thursday: 'Thursday', friday: 'Friday', saturday: 'Saturday', sunday: 'Sunday' },
};

const fa: typeof en = {
  title: 'نوبت‌دهی برای بیمار',
  bookFor: 'نوبت برای', otherPatient: 'بیمار دیگر', patientChosen: 'بیمار: {{name}}',
  name: 'نام', email: 'ایمیل', phone: 'تلفن', kind: 'نقش', account: 'حساب تله‌هاب', remove: 'حذف',
  accessCode: 'کد دسترسی',
  find: {
    title: 'یافتن بیمار', rule: 'نام کامل و تاریخ تولد را دقیقاً مانند پروندهٔ بیمار وارد کنید.',
    name: 'نام کامل', birthDate: 'تاریخ تولد', submit: 'جستجو', none: 'بیماری با این نام و تاریخ تولد نیست. املا را بررسی کنید یا بیمار را در پایین ثبت کنید.',
    results: 'بیماران یافت‌شده',
  },
  mine: { title: 'بیماران تیم درمانی من', none: 'هنوز بیماری در تیم درمانی شما نیست.' },
  register: {
    title: 'ثبت بیمار جدید', name: 'نام کامل', email: 'ایمیل (برای دعوت‌نامه)', phone: 'تلفن همراه (برای پیامک)',
    username: 'حساب تله‌هاب (اختیاری)', usernameHint: 'فقط اگر بیمار وارد برنامه می‌شود.', submit: 'ثبت',
  },
  book: {
    title: 'نوبت ویزیت برای {{name}}', doctor: 'پزشک', chooseDoctor: 'پزشک را انتخاب کنید', type: 'نوع ویزیت',
    zone: 'زمان‌ها به وقت شما ({{zone}}) نمایش داده می‌شوند.', complaint: 'علت مراجعه', participants: 'شرکت‌کنندگان دیگر',
    noParticipants: 'هیچ‌کس: فقط پزشک و بیمار.', participant: 'شرکت‌کننده', addParticipant: 'افزودن شرکت‌کننده',
    submit: 'ثبت نوبت',
  },
  booked: {
    title: 'نوبت ثبت شد', notice: 'ثبت شد: {{name}} با {{doctor}} در {{time}}.', status: 'وضعیت', links: 'پیوندهای ورود',
    noLinks: 'پیوندهای ورود به پزشک، بیمار و هر دعوت‌شده داده می‌شود، نه به نقش شما: آن‌ها را با دعوت‌نامه بفرستید.',
    noRoom: 'ویزیت حضوری پیوند ورود ندارد.',
  },
  day: {
    label: 'روز', previous: 'ماه قبل', next: 'ماه بعد', soonest: 'نزدیک‌ترین زمان‌ها',
    noneThatDay: 'در این روز زمان آزادی نیست. روز دیگری را انتخاب کنید.', noneSoon: 'در دو هفتهٔ آینده زمان آزادی نیست. روز دیرتری را انتخاب کنید.',
    choose: 'انتخاب روز',
  },
  types: { video: 'تصویری', audio: 'صوتی', in_person: 'حضوری', chat: 'گفتگو', follow_up: 'پیگیری' },
  kinds: { colleague: 'همکار', interpreter: 'مترجم', guest: 'مهمان', patient: 'بیمار' },
  who: { doctor: 'پزشک', patient: 'بیمار' },
  channels: { email: 'با ایمیل', sms: 'با پیامک' },
  sendStates: { pending: 'در انتظار', sending: 'در حال ارسال', sent: 'ارسال شد', failed: 'ناموفق', cancelled: 'لغو شد', unknown: 'نامعلوم' },
  langs: { en: 'انگلیسی', fa: 'فارسی', ru: 'روسی' },
  inv: {
    title: 'شرکت‌کنندگان و دعوت‌نامه‌ها', link: 'شرکت‌کنندگان و دعوت‌نامه‌ها', list: 'دعوت‌نامه‌ها', none: 'هنوز دعوت‌نامه‌ای نیست.',
    noCode: 'هنوز ندارد', language: 'زبان', sends: 'ارسال با', state: 'وضعیت', revoke: 'ابطال',
    revokedAt: 'باطل‌شده در {{time}}', redeemedAt: 'استفاده‌شده در {{time}}', validUntil: 'معتبر تا {{time}}',
    new: 'دعوت از کسی', nameOptional: 'نام (اختیاری)', phoneHint: 'به شکل بین‌المللی، مثلاً ‎+989121234567',
    channels: 'ارسال با', submit: 'ارسال دعوت‌نامه', sent: 'دعوت‌نامه برای {{name}} ساخته شد.', revoked: 'دعوت‌نامهٔ {{name}} باطل شد.',
  },
  hours: {
    title: 'ساعات کاری', back: 'بازگشت به برنامه', zone: 'منطقهٔ زمانی', zoneHint: 'ساعت‌های زیر به این منطقهٔ زمانی است، مثلاً Asia/Tehran.',
    slot: 'طول هر نوبت (دقیقه)', weekly: 'هر هفته', free: 'تعطیل.', from: 'از', to: 'تا', addHours: 'افزودن ساعت',
    exceptions: 'مرخصی و ساعات اضافه', exceptionsHint: 'مرخصی بدون ساعت یعنی تمام روز.',
    date: 'تاریخ', off: 'مرخصی', extra: 'ساعات اضافه', reason: 'یادداشت', addException: 'افزودن مرخصی یا ساعات اضافه',
    save: 'ذخیرهٔ ساعات کاری', saved: 'ساعات کاری ذخیره شد.', fix: 'فیلد مشخص‌شده را اصلاح و دوباره ذخیره کنید.',
    noRecord: 'حساب شما پروندهٔ پزشک ندارد: مدیر آن را اضافه می‌کند.',
    kind: 'نوع', clinic: 'درمانگاه', noClinic: 'بدون درمانگاه خاص', clinicsHint: 'ساعت‌ها در هر یک از درمانگاه‌های شما؛ دو درمانگاه می‌توانند ساعت مشترک داشته باشند و هیچ دو ویزیتی هم‌زمان نمی‌شوند.',
  },
  days: { monday: 'دوشنبه', tuesday: 'سه‌شنبه', wednesday: 'چهارشنبه', thursday: 'پنجشنبه', friday: 'جمعه', saturday: 'شنبه', sunday: 'یکشنبه' },
};

const ru: typeof en = {
  title: 'Запись пациента',
  bookFor: 'Записать', otherPatient: 'Другой пациент', patientChosen: 'Пациент: {{name}}',
  name: 'Имя', email: 'Эл. почта', phone: 'Телефон', kind: 'Роль', account: 'Учётная запись Telehub', remove: 'Удалить',
  accessCode: 'Код доступа',
  find: {
    title: 'Найти пациента', rule: 'Введите точное имя и дату рождения, как в карте пациента.',
    name: 'Полное имя', birthDate: 'Дата рождения', submit: 'Найти', none: 'Пациента с таким именем и датой рождения нет. Проверьте написание или зарегистрируйте пациента ниже.',
    results: 'Найденные пациенты',
  },
  mine: { title: 'Пациенты моей команды', none: 'В вашей команде пока нет пациентов.' },
  register: {
    title: 'Зарегистрировать пациента', name: 'Полное имя', email: 'Эл. почта (для приглашений)', phone: 'Мобильный телефон (для SMS)',
    username: 'Учётная запись Telehub (необязательно)', usernameHint: 'Только если пациент входит в приложение.', submit: 'Зарегистрировать',
  },
  book: {
    title: 'Запись на приём: {{name}}', doctor: 'Врач', chooseDoctor: 'Выберите врача', type: 'Вид приёма',
    zone: 'Время показано в вашем часовом поясе ({{zone}}).', complaint: 'Причина обращения', participants: 'Другие участники',
    noParticipants: 'Никого: только врач и пациент.', participant: 'Участник', addParticipant: 'Добавить участника',
    submit: 'Записать',
  },
  booked: {
    title: 'Приём назначен', notice: 'Записано: {{name}} к {{doctor}}, {{time}}.', status: 'Статус', links: 'Ссылки для входа',
    noLinks: 'Ссылки для входа API выдаёт врачу, пациенту и каждому приглашённому, но не вашей роли: отправьте их приглашением.',
    noRoom: 'У очного приёма нет ссылок для входа.',
  },
  day: {
    label: 'День', previous: 'Предыдущий месяц', next: 'Следующий месяц', soonest: 'Ближайшее время',
    noneThatDay: 'В этот день свободного времени нет. Выберите другой день.', noneSoon: 'В ближайшие две недели свободного времени нет. Выберите более поздний день.',
    choose: 'Выбрать день',
  },
  types: { video: 'Видео', audio: 'Аудио', in_person: 'Очно', chat: 'Чат', follow_up: 'Повторный' },
  kinds: { colleague: 'Коллега', interpreter: 'Переводчик', guest: 'Гость', patient: 'Пациент' },
  who: { doctor: 'Врач', patient: 'Пациент' },
  channels: { email: 'По эл. почте', sms: 'По SMS' },
  sendStates: { pending: 'ожидает', sending: 'отправляется', sent: 'отправлено', failed: 'ошибка', cancelled: 'отозвано', unknown: 'неизвестно' },
  langs: { en: 'английский', fa: 'персидский', ru: 'русский' },
  inv: {
    title: 'Участники и приглашения', link: 'Участники и приглашения', list: 'Приглашения', none: 'Приглашений пока нет.',
    noCode: 'пока нет', language: 'Язык', sends: 'Отправлено', state: 'Состояние', revoke: 'Отозвать',
    revokedAt: 'отозвано {{time}}', redeemedAt: 'использовано {{time}}', validUntil: 'действует до {{time}}',
    new: 'Пригласить', nameOptional: 'Имя (необязательно)', phoneHint: 'В международном формате, напр. +79161234567',
    channels: 'Отправить через', submit: 'Отправить приглашение', sent: 'Приглашение для {{name}} создано.', revoked: 'Приглашение для {{name}} отозвано.',
  },
  hours: {
    title: 'Часы работы', back: 'Назад к расписанию', zone: 'Часовой пояс', zoneHint: 'Часы ниже — в этом поясе, напр. Europe/Moscow.',
    slot: 'Длительность слота (минуты)', weekly: 'Каждую неделю', free: 'Не работает.', from: 'С', to: 'До', addHours: 'Добавить часы',
    exceptions: 'Выходные и дополнительные часы', exceptionsHint: 'Выходной без времени — весь день.',
    date: 'Дата', off: 'Выходной', extra: 'Доп. часы', reason: 'Заметка', addException: 'Добавить выходной или доп. часы',
    save: 'Сохранить часы работы', saved: 'Часы работы сохранены.', fix: 'Исправьте отмеченное поле и сохраните снова.',
    noRecord: 'У вашей учётной записи нет карточки врача: её добавляет администратор.',
    kind: 'Тип', clinic: 'Клиника', noClinic: 'Без определённой клиники', clinicsHint: 'Часы в каждой из ваших клиник; у двух клиник часы могут совпадать, а приёмы никогда не пересекаются.',
  },
  days: { monday: 'Понедельник', tuesday: 'Вторник', wednesday: 'Среда', thursday: 'Четверг', friday: 'Пятница', saturday: 'Суббота', sunday: 'Воскресенье' },
};

export default area(en, fa, ru);
