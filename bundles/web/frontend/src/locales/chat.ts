import { area } from './area';

const en = {
  title: 'Messages', empty: 'No messages yet. Write to the other side of this visit.', you: 'You',
  write: 'Your message', send: 'Send', sending: 'Sending…', failed: 'Not sent',
  readOnly: 'This visit ended a while ago: its messages can be read, no new ones sent.',
  notMember: 'Only the patient of this visit and the clinicians caring for them take part in its conversation.',
  status: { connecting: 'Connecting…', live: 'Live', offline: 'Offline: messages will go when the connection is back' },
  seen: 'Seen', delivered: 'Delivered', typing: '{{name}} is typing…', unread: 'New messages: {{count}}', open: 'Open the visit and its messages',
  list: { empty: 'No messages yet. The conversations of your visits will be listed here.', file: 'File: {{name}}',
    visit: 'Visit {{when}}', older: 'Show older conversations' },
  bell: { title: 'New messages', none: 'Notifications: nothing new', some: 'Notifications: {{n}} new messages',
    empty: 'Nothing new. Messages you have not seen yet will show here.',
    wrote: 'new messages: {{n}}',
    visit: 'Visit with {{with}}, {{when}}', at: 'Written {{when}}', seenAll: 'Mark all as seen' },
  change: { edit: 'Edit', retract: 'Retract', save: 'Save', cancel: 'Cancel', keep: 'Keep it',
    editLabel: 'The message, corrected', edited: 'edited', earlier: 'Earlier versions',
    until: 'until {{when}}', fileOnly: '(a file)', retracted: 'This message was retracted by its sender.',
    confirm: 'Retract this message? No one will see it any more; it stays in the visit’s record.' },
  file: {
    attach: 'Attach a file', uploading: 'Uploading {{name}}: {{percent}}%', open: 'Open',
    pending: 'Waiting for the virus scan', infected: 'Removed: a virus was found in it',
    refused: '{{name}} was not sent: {{reason}}',
  },
};

const fa: typeof en = {
  title: 'پیام‌ها', empty: 'هنوز پیامی نیست. برای طرف دیگر این ویزیت بنویسید.', you: 'شما',
  write: 'پیام شما', send: 'ارسال', sending: 'در حال ارسال…', failed: 'ارسال نشد',
  readOnly: 'این ویزیت مدتی پیش تمام شده است: پیام‌هایش خواندنی است، اما پیام تازه‌ای فرستاده نمی‌شود.',
  notMember: 'فقط بیمار این ویزیت و پزشکان و پرستاران مراقب او در گفتگوی آن شرکت دارند.',
  status: { connecting: 'در حال اتصال…', live: 'برقرار', offline: 'قطع: پیام‌ها پس از برقراری اتصال فرستاده می‌شوند' },
  seen: 'دیده شد', delivered: 'رسید', typing: '{{name}} در حال نوشتن است…', unread: 'پیام‌های تازه: {{count}}',
  open: 'باز کردن ویزیت و پیام‌هایش',
  list: { empty: 'هنوز پیامی نیست. گفتگوهای ویزیت‌های شما اینجا فهرست می‌شوند.', file: 'فایل: {{name}}',
    visit: 'ویزیت {{when}}', older: 'نمایش گفتگوهای قدیمی‌تر' },
  bell: { title: 'پیام‌های تازه', none: 'اعلان‌ها: چیز تازه‌ای نیست', some: 'اعلان‌ها: {{n}} پیام تازه',
    empty: 'چیز تازه‌ای نیست. پیام‌هایی که هنوز ندیده‌اید اینجا نشان داده می‌شوند.',
    wrote: 'پیام‌های تازه: {{n}}',
    visit: 'ویزیت با {{with}}، {{when}}', at: 'نوشته‌شده {{when}}', seenAll: 'علامت‌گذاری همه به‌عنوان دیده‌شده' },
  change: { edit: 'ویرایش', retract: 'پس گرفتن', save: 'ذخیره', cancel: 'انصراف', keep: 'نگه داشتن',
    editLabel: 'پیام، اصلاح‌شده', edited: 'ویرایش‌شده', earlier: 'نسخه‌های پیشین',
    until: 'تا {{when}}', fileOnly: '(یک فایل)', retracted: 'فرستنده این پیام را پس گرفت.',
    confirm: 'این پیام پس گرفته شود؟ دیگر کسی آن را نمی‌بیند؛ در پرونده ویزیت می‌ماند.' },
  file: {
    attach: 'پیوست فایل', uploading: 'در حال بارگذاری {{name}}: {{percent}}٪', open: 'باز کردن',
    pending: 'در انتظار بررسی ویروس', infected: 'حذف شد: در آن ویروس پیدا شد',
    refused: '{{name}} فرستاده نشد: {{reason}}',
  },
};

const ru: typeof en = {
  title: 'Сообщения', empty: 'Сообщений пока нет. Напишите другой стороне этого приёма.', you: 'Вы',
  write: 'Ваше сообщение', send: 'Отправить', sending: 'Отправляется…', failed: 'Не отправлено',
  readOnly: 'Этот приём закончился некоторое время назад: сообщения можно читать, новые не отправляются.',
  notMember: 'В переписке этого приёма участвуют только пациент и лечащие его врачи и сёстры.',
  status: { connecting: 'Подключение…', live: 'На связи', offline: 'Нет связи: сообщения уйдут, когда связь вернётся' },
  seen: 'Прочитано', delivered: 'Доставлено', typing: '{{name}} печатает…', unread: 'Новые сообщения: {{count}}',
  open: 'Открыть приём и его сообщения',
  list: { empty: 'Сообщений пока нет. Здесь появятся переписки ваших приёмов.', file: 'Файл: {{name}}',
    visit: 'Приём {{when}}', older: 'Показать более ранние' },
  bell: { title: 'Новые сообщения', none: 'Уведомления: ничего нового', some: 'Уведомления: новые сообщения: {{n}}',
    empty: 'Ничего нового. Здесь появятся сообщения, которые вы ещё не видели.',
    wrote: 'новые сообщения: {{n}}',
    visit: 'Приём: {{with}}, {{when}}', at: 'Написано {{when}}', seenAll: 'Отметить все как просмотренные' },
  change: { edit: 'Изменить', retract: 'Отозвать', save: 'Сохранить', cancel: 'Отмена', keep: 'Оставить',
    editLabel: 'Исправленное сообщение', edited: 'изменено', earlier: 'Прежние версии',
    until: 'до {{when}}', fileOnly: '(файл)', retracted: 'Отправитель отозвал это сообщение.',
    confirm: 'Отозвать сообщение? Его больше никто не увидит; в карте приёма оно останется.' },
  file: {
    attach: 'Прикрепить файл', uploading: 'Загрузка {{name}}: {{percent}}%', open: 'Открыть',
    pending: 'Ожидает проверки на вирусы', infected: 'Удалён: в нём найден вирус',
    refused: '{{name}} не отправлен: {{reason}}',
  },
};

export default area(en, fa, ru);
