import { area } from './area';

const en = {
  title: 'Patient panel', open: 'Open the patient panel', systems: 'Connected systems',
  noSystems: 'No connected system yet. An administrator installs and connects the adapters.',
  status: {
    loading: 'Loading…', OK: 'Answered', ERROR: 'Error', TIMEOUT: 'No answer in time', REJECTED: 'Refused',
    UNAVAILABLE: 'Unavailable', NO_MAPPING: 'No identifier for this patient', aborted: 'Stopped waiting after {{seconds}} s',
  },
  latency: ' · {{ms}} ms', systemId: 'Patient in this system', noData: 'No data.',
  record: { name: 'Name in this system', birthDate: 'Date of birth', sex: 'Sex', observations: 'Recent observations', studies: 'Studies', procedures: 'Procedures', documents: 'Documents' },
  procedures: {
    title: 'Procedures', from: 'in {{system}}', none: 'No procedures for this patient in this system.', when: 'When',
    what: 'Procedure', status: 'Status', station: 'Room (AE title)', accession: 'Accession number',
    images: 'Images received', view: 'View images',
    findings: 'Findings sent back', by: 'by {{name}}',
    sent: { queued: 'waiting to be sent', in_flight: 'being sent', retrying: 'waiting to be sent again', delivered: 'filed in the study', dead: 'not filed' },
    states: {
      SCHEDULED: 'Scheduled', ARRIVED: 'Arrived', READY: 'Ready', STARTED: 'Started', IN_PROGRESS: 'In progress',
      COMPLETED: 'Completed', DISCONTINUED: 'Discontinued',
    },
  },
  documents: {
    title: 'Documents', from: 'in {{system}}', none: 'No documents for this patient in this system.',
    untitled: 'Document', when: 'Written', author: 'Author', order: 'Order (accession) number', status: 'Status',
    addendumTo: 'Addendum to',
    states: { AU: 'Authenticated', LA: 'Legally authenticated', DI: 'Dictated', DO: 'Documented', IN: 'Incomplete', IP: 'In progress', PA: 'Pre-authenticated' },
    open: { pdf: 'Download the PDF ({{size}})', image: 'Download the picture ({{size}})', file: 'Download the file ({{size}})' },
    size: { bytes: '{{n}} bytes', kb: '{{n}} KB', mb: '{{n}} MB' },
  },
  chart: {
    title: 'Observations over time', none: 'No observations in this record.', table: 'Values as a table',
    date: 'Date', value: 'Value', from: 'from {{system}}', range: 'from {{min}} to {{max}} {{unit}}',
  },
  imaging: {
    title: 'Imaging', none: 'No studies in this PACS.', date: 'Date', description: 'Description', modality: 'Modality',
    images: 'Images', retrieve: 'Retrieve', retrieving: 'Retrieving {{done}} of {{total}} images…',
    retrieved: '{{completed}} images retrieved, {{failed}} failed.', view: 'View images', from: 'Studies in {{system}}',
  },
  viewer: {
    title: 'Image viewer', loading: 'Loading images…', image: 'Image', window: 'Window width', level: 'Window centre',
    close: 'Close the viewer', of: '{{n}} of {{total}}', unsupported: 'This image cannot be shown here: {{reason}}',
    canvas: 'DICOM image {{n}} of {{total}}, window {{width}}, centre {{centre}}',
  },
};

const fa: typeof en = {
  title: 'پرونده بیمار', open: 'باز کردن پرونده بیمار', systems: 'سامانه‌های متصل',
  noSystems: 'هنوز سامانه‌ای متصل نیست. مدیر سامانه آداپتورها را نصب و متصل می‌کند.',
  status: {
    loading: 'در حال بارگذاری…', OK: 'پاسخ داد', ERROR: 'خطا', TIMEOUT: 'پاسخی به موقع نرسید', REJECTED: 'رد شد',
    UNAVAILABLE: 'در دسترس نیست', NO_MAPPING: 'شناسه‌ای برای این بیمار نیست', aborted: 'پس از {{seconds}} ثانیه انتظار متوقف شد',
  },
  latency: ' · {{ms}} میلی‌ثانیه', systemId: 'بیمار در این سامانه', noData: 'داده‌ای نیست.',
  record: { name: 'نام در این سامانه', birthDate: 'تاریخ تولد', sex: 'جنس', observations: 'مشاهده‌های اخیر', studies: 'مطالعه‌های تصویربرداری', procedures: 'اقدامات', documents: 'مدارک' },
  procedures: {
    title: 'اقدامات', from: 'در {{system}}', none: 'اقدامی برای این بیمار در این سامانه نیست.', when: 'زمان',
    what: 'اقدام', status: 'وضعیت', station: 'اتاق (عنوان AE)', accession: 'شماره پذیرش',
    images: 'تصویرهای دریافت‌شده', view: 'دیدن تصویرها',
    findings: 'یافته‌های بازفرستاده', by: 'از {{name}}',
    sent: { queued: 'در انتظار فرستادن', in_flight: 'در حال فرستادن', retrying: 'در انتظار فرستادن دوباره', delivered: 'در مطالعه ثبت شد', dead: 'ثبت نشد' },
    states: {
      SCHEDULED: 'زمان‌بندی‌شده', ARRIVED: 'رسیده', READY: 'آماده', STARTED: 'آغاز شده', IN_PROGRESS: 'در حال انجام',
      COMPLETED: 'انجام شده', DISCONTINUED: 'متوقف شده',
    },
  },
  documents: {
    title: 'مدارک', from: 'در {{system}}', none: 'مدرکی برای این بیمار در این سامانه نیست.',
    untitled: 'مدرک', when: 'زمان نگارش', author: 'نویسنده', order: 'شماره دستور (پذیرش)', status: 'وضعیت',
    addendumTo: 'الحاقیه به',
    states: { AU: 'تأییدشده', LA: 'تأیید قانونی‌شده', DI: 'دیکته‌شده', DO: 'مستندشده', IN: 'ناقص', IP: 'در حال نگارش', PA: 'پیش‌تأییدشده' },
    open: { pdf: 'دریافت PDF ({{size}})', image: 'دریافت تصویر ({{size}})', file: 'دریافت فایل ({{size}})' },
    size: { bytes: '{{n}} بایت', kb: '{{n}} کیلوبایت', mb: '{{n}} مگابایت' },
  },
  chart: {
    title: 'مشاهدات در طول زمان', none: 'مشاهده‌ای در این پرونده نیست.', table: 'مقادیر به صورت جدول',
    date: 'تاریخ', value: 'مقدار', from: 'از {{system}}', range: 'از {{min}} تا {{max}} {{unit}}',
  },
  imaging: {
    title: 'تصویربرداری', none: 'مطالعه‌ای در این PACS نیست.', date: 'تاریخ', description: 'شرح', modality: 'نوع',
    images: 'تصاویر', retrieve: 'دریافت', retrieving: 'دریافت {{done}} از {{total}} تصویر…',
    retrieved: '{{completed}} تصویر دریافت شد، {{failed}} ناموفق.', view: 'نمایش تصاویر', from: 'مطالعات در {{system}}',
  },
  viewer: {
    title: 'نمایشگر تصویر', loading: 'در حال بارگذاری تصاویر…', image: 'تصویر', window: 'پهنای پنجره', level: 'مرکز پنجره',
    close: 'بستن نمایشگر', of: '{{n}} از {{total}}', unsupported: 'این تصویر اینجا نمایش داده نمی‌شود: {{reason}}',
    canvas: 'تصویر DICOM {{n}} از {{total}}، پنجره {{width}}، مرکز {{centre}}',
  },
};

const ru: typeof en = {
  title: 'Карта пациента', open: 'Открыть карту пациента', systems: 'Подключённые системы',
  noSystems: 'Подключённых систем пока нет. Администратор устанавливает и подключает адаптеры.',
  status: {
    loading: 'Загрузка…', OK: 'Ответила', ERROR: 'Ошибка', TIMEOUT: 'Нет ответа вовремя', REJECTED: 'Отказано',
    UNAVAILABLE: 'Недоступна', NO_MAPPING: 'Нет идентификатора пациента', aborted: 'Ожидание прервано через {{seconds}} с',
  },
  latency: ' · {{ms}} мс', systemId: 'Пациент в этой системе', noData: 'Нет данных.',
  record: { name: 'Имя в этой системе', birthDate: 'Дата рождения', sex: 'Пол', observations: 'Последние наблюдения', studies: 'Исследования', procedures: 'Процедуры', documents: 'Документы' },
  procedures: {
    title: 'Процедуры', from: 'в {{system}}', none: 'В этой системе нет процедур пациента.', when: 'Когда',
    what: 'Процедура', status: 'Статус', station: 'Кабинет (AE title)', accession: 'Номер направления',
    images: 'Получено изображений', view: 'Открыть изображения',
    findings: 'Отправленные находки', by: '{{name}}',
    sent: { queued: 'ждёт отправки', in_flight: 'отправляется', retrying: 'ждёт повторной отправки', delivered: 'сохранено в исследовании', dead: 'не сохранено' },
    states: {
      SCHEDULED: 'Запланирована', ARRIVED: 'Пациент прибыл', READY: 'Готово', STARTED: 'Начата', IN_PROGRESS: 'Идёт',
      COMPLETED: 'Завершена', DISCONTINUED: 'Прервана',
    },
  },
  documents: {
    title: 'Документы', from: 'в {{system}}', none: 'В этой системе нет документов пациента.',
    untitled: 'Документ', when: 'Написан', author: 'Автор', order: 'Номер заказа (направления)', status: 'Статус',
    addendumTo: 'Дополнение к',
    states: { AU: 'Подтверждён', LA: 'Юридически подтверждён', DI: 'Надиктован', DO: 'Оформлен', IN: 'Не завершён', IP: 'В работе', PA: 'Предварительно подтверждён' },
    open: { pdf: 'Скачать PDF ({{size}})', image: 'Скачать изображение ({{size}})', file: 'Скачать файл ({{size}})' },
    size: { bytes: '{{n}} байт', kb: '{{n}} КБ', mb: '{{n}} МБ' },
  },
  chart: {
    title: 'Наблюдения во времени', none: 'В этой карте нет наблюдений.', table: 'Значения таблицей',
    date: 'Дата', value: 'Значение', from: 'из {{system}}', range: 'от {{min}} до {{max}} {{unit}}',
  },
  imaging: {
    title: 'Снимки', none: 'В этом PACS нет исследований.', date: 'Дата', description: 'Описание', modality: 'Модальность',
    images: 'Снимков', retrieve: 'Получить', retrieving: 'Получено {{done}} из {{total}} снимков…',
    retrieved: 'Получено снимков: {{completed}}, с ошибкой: {{failed}}.', view: 'Смотреть снимки', from: 'Исследования в {{system}}',
  },
  viewer: {
    title: 'Просмотр снимков', loading: 'Загрузка снимков…', image: 'Снимок', window: 'Ширина окна', level: 'Центр окна',
    close: 'Закрыть просмотр', of: '{{n}} из {{total}}', unsupported: 'Этот снимок здесь не показать: {{reason}}',
    canvas: 'Снимок DICOM {{n}} из {{total}}, окно {{width}}, центр {{centre}}',
  },
};

export default area(en, fa, ru);
