import { area } from './area';

/** The clinic directory: finding a doctor, a doctor's profile and reviews, the formulary (issue 19). */
export default area(
  {
    search: 'Search doctors', searchHint: 'A name, a speciality or a clinic', language: 'Speaks', minRating: 'Rated at least',
    visitType: 'Visit type', anyRating: 'Any rating', stars: '{{n}} stars or more', more: 'More doctors',
    rating: '{{rating}} of 5 ({{count}} reviews)', noRating: 'No reviews yet', profile: 'Profile',
    languages: { en: 'English', fa: 'Persian', ru: 'Russian', ar: 'Arabic', de: 'German', fr: 'French', tr: 'Turkish' },
    types: { video: 'Video', audio: 'Audio', chat: 'Chat', 'in-person': 'In person' },
    fee: '{{type}}: {{fee}} {{currency}}', feeNone: '{{type}}',
    profilePage: {
      title: 'Doctor', specialities: 'Specialities', clinics: 'Clinics', languages: 'Languages', bio: 'About',
      qualifications: 'Qualifications', licence: 'Licence number', visitTypes: 'Visits offered', book: 'Book a visit',
      edit: 'Edit the profile', save: 'Save the profile', saved: 'Profile saved.', cancel: 'Cancel',
      fee: 'Fee for {{type}}', offers: 'Offers {{type}} visits', currency: 'Currency', languagesHint: 'Codes separated by commas, e.g. en, fa',
      mine: 'My profile',
    },
    reviews: {
      title: 'Reviews', none: 'No reviews yet.', hidden: 'Hidden: {{reason}}', hide: 'Hide', show: 'Show again',
      reason: 'Why hide this review', write: 'Review your visit with {{name}}', rating: 'Your rating',
      text: 'What went well or not (optional)', send: 'Send the review', sent: 'Thank you: your review was sent.',
      star: '{{n}} of 5',
    },
    formulary: {
      title: 'Formulary', tab: 'Formulary', file: 'CSV file (name, strength, form, route, atc)', allOrNone: 'Import nothing if any row is wrong',
      import: 'Import', importing: 'Importing…', result: '{{imported}} imported, {{unchanged}} already listed.',
      errors: 'Rows with errors', line: 'Line', field: 'Column', problem: 'Problem', nothing: 'Nothing was imported.',
      search: 'Search medicines', none: 'No medicine matches.', name: 'Name', strength: 'Strength', form: 'Form',
      route: 'Route', atc: 'ATC',
    },
  },
  {
    search: 'جست‌وجوی پزشک', searchHint: 'نام، تخصص یا درمانگاه', language: 'زبان', minRating: 'حداقل امتیاز',
    visitType: 'نوع ویزیت', anyRating: 'هر امتیازی', stars: '{{n}} ستاره یا بیشتر', more: 'پزشکان بیشتر',
    rating: '{{rating}} از ۵ ({{count}} نظر)', noRating: 'هنوز نظری نیست', profile: 'نمایه',
    languages: { en: 'انگلیسی', fa: 'فارسی', ru: 'روسی', ar: 'عربی', de: 'آلمانی', fr: 'فرانسوی', tr: 'ترکی' },
    types: { video: 'تصویری', audio: 'صوتی', chat: 'گفتگو', 'in-person': 'حضوری' },
    fee: '{{type}}: {{fee}} {{currency}}', feeNone: '{{type}}',
    profilePage: {
      title: 'پزشک', specialities: 'تخصص‌ها', clinics: 'درمانگاه‌ها', languages: 'زبان‌ها', bio: 'درباره',
      qualifications: 'مدارک', licence: 'شماره نظام پزشکی', visitTypes: 'ویزیت‌ها', book: 'رزرو ویزیت',
      edit: 'ویرایش نمایه', save: 'ذخیرهٔ نمایه', saved: 'نمایه ذخیره شد.', cancel: 'انصراف',
      fee: 'هزینهٔ ویزیت {{type}}', offers: 'ویزیت {{type}} ارائه می‌شود', currency: 'واحد پول', languagesHint: 'کدها با ویرگول جدا شوند، مثلاً en, fa',
      mine: 'نمایهٔ من',
    },
    reviews: {
      title: 'نظرها', none: 'هنوز نظری نیست.', hidden: 'پنهان: {{reason}}', hide: 'پنهان کردن', show: 'نمایش دوباره',
      reason: 'چرا این نظر پنهان شود', write: 'نظر شما دربارهٔ ویزیت با {{name}}', rating: 'امتیاز شما',
      text: 'چه چیزی خوب بود یا نبود (اختیاری)', send: 'ارسال نظر', sent: 'سپاس: نظر شما ارسال شد.',
      star: '{{n}} از ۵',
    },
    formulary: {
      title: 'فهرست داروها', tab: 'داروها', file: 'پروندهٔ CSV (name, strength, form, route, atc)', allOrNone: 'اگر ردیفی نادرست است، هیچ‌چیز وارد نشود',
      import: 'ورود', importing: 'در حال ورود…', result: '{{imported}} وارد شد، {{unchanged}} از پیش در فهرست بود.',
      errors: 'ردیف‌های نادرست', line: 'سطر', field: 'ستون', problem: 'مشکل', nothing: 'هیچ‌چیز وارد نشد.',
      search: 'جست‌وجوی دارو', none: 'دارویی پیدا نشد.', name: 'نام', strength: 'قدرت', form: 'شکل',
      route: 'راه مصرف', atc: 'ATC',
    },
  },
  {
    search: 'Поиск врача', searchHint: 'Имя, специальность или клиника', language: 'Говорит на', minRating: 'Оценка не ниже',
    visitType: 'Вид приёма', anyRating: 'Любая оценка', stars: '{{n}} звезды и выше', more: 'Ещё врачи',
    rating: '{{rating}} из 5 (отзывов: {{count}})', noRating: 'Отзывов пока нет', profile: 'Профиль',
    languages: { en: 'Английский', fa: 'Персидский', ru: 'Русский', ar: 'Арабский', de: 'Немецкий', fr: 'Французский', tr: 'Турецкий' },
    types: { video: 'Видео', audio: 'Аудио', chat: 'Чат', 'in-person': 'Очно' },
    fee: '{{type}}: {{fee}} {{currency}}', feeNone: '{{type}}',
    profilePage: {
      title: 'Врач', specialities: 'Специальности', clinics: 'Клиники', languages: 'Языки', bio: 'О враче',
      qualifications: 'Квалификация', licence: 'Номер лицензии', visitTypes: 'Виды приёма', book: 'Записаться',
      edit: 'Изменить профиль', save: 'Сохранить профиль', saved: 'Профиль сохранён.', cancel: 'Отмена',
      fee: 'Стоимость: {{type}}', offers: 'Проводит приём: {{type}}', currency: 'Валюта', languagesHint: 'Коды через запятую, например en, fa',
      mine: 'Мой профиль',
    },
    reviews: {
      title: 'Отзывы', none: 'Отзывов пока нет.', hidden: 'Скрыт: {{reason}}', hide: 'Скрыть', show: 'Показать снова',
      reason: 'Почему скрыть отзыв', write: 'Отзыв о приёме у врача {{name}}', rating: 'Ваша оценка',
      text: 'Что было хорошо или нет (необязательно)', send: 'Отправить отзыв', sent: 'Спасибо: отзыв отправлен.',
      star: '{{n}} из 5',
    },
    formulary: {
      title: 'Формуляр', tab: 'Формуляр', file: 'Файл CSV (name, strength, form, route, atc)', allOrNone: 'Ничего не импортировать, если есть ошибка',
      import: 'Импортировать', importing: 'Импорт…', result: 'Импортировано: {{imported}}, уже в списке: {{unchanged}}.',
      errors: 'Строки с ошибками', line: 'Строка', field: 'Столбец', problem: 'Ошибка', nothing: 'Ничего не импортировано.',
      search: 'Поиск лекарств', none: 'Ничего не найдено.', name: 'Название', strength: 'Дозировка', form: 'Форма',
      route: 'Путь введения', atc: 'ATC',
    },
  },
);
