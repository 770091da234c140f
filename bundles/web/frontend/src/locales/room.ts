import { area } from './area';

const en = {
  recordings: {
    title: 'Recordings', part: 'Part {{n}}', play: 'Play part {{n}}', when: '{{from}} – {{to}}', size: '{{kb}} KB',
    state: { recording: 'being recorded', stopped: 'complete', interrupted: 'interrupted (kept up to the interruption)' },
  },
  summary: {
    title: 'Call quality', empty: 'No call measured yet.', who: 'Person', samples: 'Reports', rtt: 'Round trip (average / worst)',
    loss: 'Packets lost (average / worst)', rate: 'Received', path: 'Path', relayed: 'relayed', direct: 'direct',
    ms: '{{avg}} / {{max}} ms', pct: '{{avg}} / {{max}} %', kbps: '{{n}} kbit/s', when: '{{from}} – {{to}}',
  },
  title: 'Video visit', titleAudio: 'Audio visit',
  intro: 'Check your camera and microphone, then join. Only the people of this visit can enter its room.',
  join: 'Join the visit', again: 'Join again', closed: 'This visit is over: its room is closed.',
  tooEarly: 'It is too early to join: the room opens at {{time}}.',
  status: {
    idle: 'Not in the room', joining: 'Joining…', waiting: 'In the waiting room: the doctor will let you in',
    alone: 'In the room. Nobody else is here yet.', connecting: 'Connecting to {{names}}…', inRoom: 'In the room with {{names}}',
    left: 'Not in the room',
  },
  waiting: {
    title: 'Please wait: the doctor will admit you',
    why: 'The doctor lets each person into the room when they are ready, so that nobody joins the visit unseen and the person before you can finish in private. Keep this page open: you enter as soon as the doctor admits you.',
  },
  left: {
    left: 'You left the visit.', ended: 'The visit has ended.', rejected: 'The doctor did not admit you to the room.',
    rejectedWhy: 'The doctor did not admit you to the room: {{reason}}', removed: 'The doctor removed you from the room.',
    replaced: 'You joined this visit in another tab or on another device, so this page left the room.',
    lost: 'This page is no longer in the room. Join again to go on.',
  },
  recording: {
    on: 'Recording: this visit is being recorded, with everyone’s consent.',
    ask: 'The doctor would like to record this visit (sound only). It is recorded only if everyone here agrees, and you can withdraw at any time.',
    agree: 'I agree to be recorded', consented: 'You agreed to this visit being recorded.', withdraw: 'Withdraw my consent',
    start: 'Start recording', stop: 'Stop recording', missing: 'Not yet agreed to recording: {{names}}', separator: ', ',
    why: {
      withdrawn: 'Recording stopped: {{name}} withdrew their consent.',
      unconsented: 'Recording stopped: {{name}} joined without agreeing to be recorded.',
      ended: 'Recording stopped: the visit ended.', engine: 'Recording was interrupted: the recording service restarted.',
      hub: 'Recording was interrupted: the server restarted.', storage: 'Recording stopped: it could not be stored.',
      service: 'Recording stopped: the video service stopped.', other: 'Recording stopped.',
    },
  },
  controls: {
    label: 'Call controls', micOff: 'Turn microphone off', micOn: 'Turn microphone on', camOff: 'Turn camera off',
    camOn: 'Turn camera on', share: 'Share screen', stopShare: 'Stop sharing', leave: 'Leave',
    end: 'End the visit for everyone',
    endConfirm: 'End the visit for everyone? Everyone leaves the room, and the visit is completed.',
    endYes: 'Yes, end the visit', endNo: 'Cancel',
  },
  muted: 'The doctor muted your microphone. Turn it on again when you want to speak.',
  tile: {
    you: '{{name}} (you)', self: 'You', video: 'Video of {{name}}', micOff: 'Microphone off', camOff: 'Camera off',
    screen: 'Sharing the screen', sound: 'Turn on the sound', connecting: 'Connecting…', lost: 'Connection lost: reconnecting…',
  },
  quality: {
    measuring: 'Connection: measuring…',
    line: 'Connection: {{level}} · {{rtt}} ms · {{loss}} % lost · {{rate}} kbit/s · {{path}}',
    good: 'good', poor: 'poor', relay: 'relayed', direct: 'direct', unknown: '?',
  },
  people: {
    title: 'Participants', waiting: 'Waiting to be admitted', noneWaiting: 'Nobody is waiting.', inRoom: 'In the room',
    since: 'waiting since {{time}}', rejected: 'not admitted before', removed: 'removed before',
    admit: 'Admit', admitName: 'Admit {{name}}', reject: 'Reject', rejectName: 'Reject {{name}}',
    reason: 'Reason (optional), shown to {{name}}', rejectYes: 'Reject', keep: 'Keep waiting',
    mute: 'Mute', muteName: 'Mute {{name}}', remove: 'Remove', removeName: 'Remove {{name}}',
    micOn: 'microphone on', micOff: 'microphone off', camOn: 'camera on', camOff: 'camera off', screen: 'sharing the screen',
    consented: 'agreed to recording', notConsented: 'not agreed to recording',
    leads: 'leads the visit', handOver: 'Hand over the lead', handOverName: 'Hand over the lead to {{name}}',
    takeBack: 'Take the lead back',
    you: 'you',
  },
  endoscope: {
    title: 'Endoscope', who: 'Only the clinicians of this visit see these pictures: not the patient, guests or interpreters.',
    show: 'Show {{name}} in the visit', stop: 'Stop showing {{name}}',
    state: {
      off: 'Not shown', connecting: 'Shown in the visit: connecting…', live: 'Shown in the visit: live',
      lost: 'Shown in the visit: signal lost',
    },
  },
  camera: { video: 'Live picture from {{name}}', lost: 'Signal lost — showing the last picture' },
  role: { moderator: 'Doctor', patient: 'Patient', colleague: 'Colleague', guest: 'Guest', interpreter: 'Interpreter' },
  devices: {
    camera: 'Camera', microphone: 'Microphone', default: 'Default', unnamed: 'Device {{n}}',
    audioOnly: 'This is an audio visit: your camera stays off unless you turn it on.',
  },
  problem: {
    camera: 'The camera could not be used: {{reason}}', microphone: 'The microphone could not be used: {{reason}}',
    none: 'Neither the camera nor the microphone could be used ({{reason}}). You can still join, see and hear the others.',
    share: 'Screen sharing did not start: {{reason}}',
  },
};

const fa: typeof en = {
  recordings: {
    title: 'ضبط‌ها', part: 'بخش {{n}}', play: 'پخش بخش {{n}}', when: '{{from}} – {{to}}', size: '{{kb}} کیلوبایت',
    state: { recording: 'در حال ضبط', stopped: 'کامل', interrupted: 'قطع‌شده (تا لحظهٔ قطع نگه داشته شده)' },
  },
  summary: {
    title: 'کیفیت تماس', empty: 'هنوز تماسی سنجیده نشده است.', who: 'شخص', samples: 'گزارش‌ها', rtt: 'زمان رفت‌وبرگشت (میانگین / بدترین)',
    loss: 'بسته‌های ازدست‌رفته (میانگین / بدترین)', rate: 'دریافتی', path: 'مسیر', relayed: 'از طریق رله', direct: 'مستقیم',
    ms: '{{avg}} / {{max}} میلی‌ثانیه', pct: '{{avg}} / {{max}} ٪', kbps: '{{n}} کیلوبیت بر ثانیه', when: '{{from}} – {{to}}',
  },
  title: 'ویزیت تصویری', titleAudio: 'ویزیت صوتی',
  intro: 'دوربین و میکروفون خود را بررسی کنید، سپس وارد شوید. فقط افراد این ویزیت می‌توانند وارد اتاق آن شوند.',
  join: 'ورود به ویزیت', again: 'ورود دوباره', closed: 'این ویزیت تمام شده است: اتاق آن بسته است.',
  tooEarly: 'هنوز زود است: اتاق از {{time}} باز می‌شود.',
  status: {
    idle: 'در اتاق نیستید', joining: 'در حال ورود…', waiting: 'در اتاق انتظار: پزشک شما را راه می‌دهد',
    alone: 'در اتاق هستید. هنوز کس دیگری اینجا نیست.', connecting: 'در حال اتصال به {{names}}…', inRoom: 'در اتاق با {{names}}',
    left: 'در اتاق نیستید',
  },
  waiting: {
    title: 'لطفاً منتظر بمانید: پزشک شما را راه می‌دهد',
    why: 'پزشک هر کس را وقتی آماده است به اتاق راه می‌دهد تا کسی بی‌خبر وارد ویزیت نشود و بیمار پیش از شما بتواند در خلوت کارش را تمام کند. این صفحه را باز نگه دارید: به محض اینکه پزشک شما را بپذیرد وارد می‌شوید.',
  },
  left: {
    left: 'از ویزیت خارج شدید.', ended: 'ویزیت به پایان رسید.', rejected: 'پزشک شما را به اتاق راه نداد.',
    rejectedWhy: 'پزشک شما را به اتاق راه نداد: {{reason}}', removed: 'پزشک شما را از اتاق خارج کرد.',
    replaced: 'شما در زبانه یا دستگاه دیگری وارد این ویزیت شدید، پس این صفحه از اتاق خارج شد.',
    lost: 'این صفحه دیگر در اتاق نیست. برای ادامه دوباره وارد شوید.',
  },
  recording: {
    on: 'در حال ضبط: این ویزیت با رضایت همه ضبط می‌شود.',
    ask: 'پزشک می‌خواهد این ویزیت را ضبط کند (فقط صدا). ضبط تنها با موافقت همهٔ حاضران انجام می‌شود و هر زمان می‌توانید رضایت خود را پس بگیرید.',
    agree: 'با ضبط موافقم', consented: 'شما با ضبط این ویزیت موافقت کرده‌اید.', withdraw: 'پس گرفتن رضایت',
    start: 'شروع ضبط', stop: 'توقف ضبط', missing: 'هنوز با ضبط موافقت نکرده‌اند: {{names}}', separator: '، ',
    why: {
      withdrawn: 'ضبط متوقف شد: {{name}} رضایت خود را پس گرفت.',
      unconsented: 'ضبط متوقف شد: {{name}} بدون موافقت با ضبط وارد شد.',
      ended: 'ضبط متوقف شد: ویزیت پایان یافت.', engine: 'ضبط قطع شد: سرویس ضبط دوباره راه‌اندازی شد.',
      hub: 'ضبط قطع شد: سرور دوباره راه‌اندازی شد.', storage: 'ضبط متوقف شد: ذخیره‌سازی آن ممکن نبود.',
      service: 'ضبط متوقف شد: سرویس ویدیو متوقف شد.', other: 'ضبط متوقف شد.',
    },
  },
  controls: {
    label: 'کنترل‌های تماس', micOff: 'خاموش کردن میکروفون', micOn: 'روشن کردن میکروفون', camOff: 'خاموش کردن دوربین',
    camOn: 'روشن کردن دوربین', share: 'اشتراک صفحه', stopShare: 'توقف اشتراک', leave: 'خروج',
    end: 'پایان ویزیت برای همه',
    endConfirm: 'ویزیت برای همه پایان یابد؟ همه از اتاق خارج می‌شوند و ویزیت انجام‌شده ثبت می‌شود.',
    endYes: 'بله، ویزیت پایان یابد', endNo: 'انصراف',
  },
  muted: 'پزشک میکروفون شما را خاموش کرد. هر وقت خواستید صحبت کنید دوباره روشنش کنید.',
  tile: {
    you: '{{name}} (شما)', self: 'شما', video: 'تصویر {{name}}', micOff: 'میکروفون خاموش', camOff: 'دوربین خاموش',
    screen: 'در حال اشتراک صفحه', sound: 'روشن کردن صدا', connecting: 'در حال اتصال…', lost: 'اتصال قطع شد: در حال اتصال دوباره…',
  },
  quality: {
    measuring: 'اتصال: در حال سنجش…',
    line: 'اتصال: {{level}} · {{rtt}} میلی‌ثانیه · {{loss}}٪ از دست رفته · {{rate}} کیلوبیت بر ثانیه · {{path}}',
    good: 'خوب', poor: 'ضعیف', relay: 'از راه رله', direct: 'مستقیم', unknown: '؟',
  },
  people: {
    title: 'شرکت‌کنندگان', waiting: 'در انتظار پذیرش', noneWaiting: 'کسی منتظر نیست.', inRoom: 'در اتاق',
    since: 'در انتظار از {{time}}', rejected: 'پیش‌تر پذیرفته نشد', removed: 'پیش‌تر خارج شد',
    admit: 'پذیرفتن', admitName: 'پذیرفتن {{name}}', reject: 'رد کردن', rejectName: 'رد کردن {{name}}',
    reason: 'دلیل (اختیاری)، که به {{name}} نشان داده می‌شود', rejectYes: 'رد کردن', keep: 'منتظر بماند',
    mute: 'بی‌صدا کردن', muteName: 'بی‌صدا کردن {{name}}', remove: 'خارج کردن', removeName: 'خارج کردن {{name}}',
    micOn: 'میکروفون روشن', micOff: 'میکروفون خاموش', camOn: 'دوربین روشن', camOff: 'دوربین خاموش', screen: 'در حال اشتراک صفحه',
    consented: 'با ضبط موافق است', notConsented: 'با ضبط موافقت نکرده است',
    leads: 'ادارهٔ ویزیت با اوست', handOver: 'سپردن اداره', handOverName: 'سپردن ادارهٔ ویزیت به {{name}}',
    takeBack: 'پس گرفتن اداره',
    you: 'شما',
  },
  endoscope: {
    title: 'آندوسکوپ', who: 'این تصویرها را فقط پزشکان این ویزیت می‌بینند؛ بیمار، مهمان‌ها و مترجم آن‌ها را نمی‌بینند.',
    show: 'نمایش {{name}} در ویزیت', stop: 'توقف نمایش {{name}}',
    state: {
      off: 'نمایش داده نمی‌شود', connecting: 'در ویزیت نمایش داده می‌شود: در حال اتصال…', live: 'در ویزیت نمایش داده می‌شود: زنده',
      lost: 'در ویزیت نمایش داده می‌شود: سیگنال قطع شده است',
    },
  },
  camera: { video: 'تصویر زندهٔ {{name}}', lost: 'سیگنال قطع شد — آخرین تصویر نمایش داده می‌شود' },
  role: { moderator: 'پزشک', patient: 'بیمار', colleague: 'همکار', guest: 'مهمان', interpreter: 'مترجم' },
  devices: {
    camera: 'دوربین', microphone: 'میکروفون', default: 'پیش‌فرض', unnamed: 'دستگاه {{n}}',
    audioOnly: 'این یک ویزیت صوتی است: دوربین شما خاموش می‌ماند مگر اینکه خودتان روشنش کنید.',
  },
  problem: {
    camera: 'از دوربین نمی‌شد استفاده کرد: {{reason}}', microphone: 'از میکروفون نمی‌شد استفاده کرد: {{reason}}',
    none: 'نه از دوربین و نه از میکروفون نمی‌شد استفاده کرد ({{reason}}). باز هم می‌توانید وارد شوید و دیگران را ببینید و بشنوید.',
    share: 'اشتراک صفحه شروع نشد: {{reason}}',
  },
};

const ru: typeof en = {
  recordings: {
    title: 'Записи', part: 'Часть {{n}}', play: 'Воспроизвести часть {{n}}', when: '{{from}} – {{to}}', size: '{{kb}} КБ',
    state: { recording: 'идёт запись', stopped: 'полная', interrupted: 'прервана (сохранена до перерыва)' },
  },
  summary: {
    title: 'Качество связи', empty: 'Звонок ещё не измерялся.', who: 'Участник', samples: 'Отчёты', rtt: 'Задержка (средняя / худшая)',
    loss: 'Потери пакетов (средние / худшие)', rate: 'Принято', path: 'Путь', relayed: 'через ретранслятор', direct: 'напрямую',
    ms: '{{avg}} / {{max}} мс', pct: '{{avg}} / {{max}} %', kbps: '{{n}} кбит/с', when: '{{from}} – {{to}}',
  },
  title: 'Видеоприём', titleAudio: 'Аудиоприём',
  intro: 'Проверьте камеру и микрофон, затем войдите. В комнату приёма могут войти только его участники.',
  join: 'Войти на приём', again: 'Войти снова', closed: 'Этот приём окончен: его комната закрыта.',
  tooEarly: 'Ещё рано: комната откроется в {{time}}.',
  status: {
    idle: 'Вы не в комнате', joining: 'Вход…', waiting: 'В зале ожидания: врач впустит вас',
    alone: 'Вы в комнате. Больше здесь пока никого нет.', connecting: 'Подключение: {{names}}…', inRoom: 'В комнате: {{names}}',
    left: 'Вы не в комнате',
  },
  waiting: {
    title: 'Подождите, пожалуйста: врач впустит вас',
    why: 'Врач впускает каждого, когда готов: так никто не войдёт на приём незамеченным, а пациент перед вами сможет закончить без посторонних. Не закрывайте эту страницу: вы войдёте, как только врач вас впустит.',
  },
  left: {
    left: 'Вы вышли с приёма.', ended: 'Приём завершён.', rejected: 'Врач не впустил вас в комнату.',
    rejectedWhy: 'Врач не впустил вас в комнату: {{reason}}', removed: 'Врач удалил вас из комнаты.',
    replaced: 'Вы вошли на этот приём в другой вкладке или на другом устройстве, поэтому эта страница вышла из комнаты.',
    lost: 'Эта страница больше не в комнате. Войдите снова, чтобы продолжить.',
  },
  recording: {
    on: 'Идёт запись: приём записывается с согласия всех участников.',
    ask: 'Врач хотел бы записать этот приём (только звук). Запись ведётся, только если согласны все присутствующие; согласие можно отозвать в любой момент.',
    agree: 'Я согласен(на) на запись', consented: 'Вы согласились на запись этого приёма.', withdraw: 'Отозвать согласие',
    start: 'Начать запись', stop: 'Остановить запись', missing: 'Ещё не согласились на запись: {{names}}', separator: ', ',
    why: {
      withdrawn: 'Запись остановлена: {{name}} отозвал(а) согласие.',
      unconsented: 'Запись остановлена: {{name}} вошёл(ла) без согласия на запись.',
      ended: 'Запись остановлена: приём завершён.', engine: 'Запись прервалась: служба записи перезапустилась.',
      hub: 'Запись прервалась: сервер перезапустился.', storage: 'Запись остановлена: её не удалось сохранить.',
      service: 'Запись остановлена: видеосервис остановлен.', other: 'Запись остановлена.',
    },
  },
  controls: {
    label: 'Управление звонком', micOff: 'Выключить микрофон', micOn: 'Включить микрофон', camOff: 'Выключить камеру',
    camOn: 'Включить камеру', share: 'Показать экран', stopShare: 'Остановить показ', leave: 'Выйти',
    end: 'Завершить приём для всех',
    endConfirm: 'Завершить приём для всех? Все выйдут из комнаты, приём будет отмечен как завершённый.',
    endYes: 'Да, завершить приём', endNo: 'Отмена',
  },
  muted: 'Врач выключил ваш микрофон. Включите его снова, когда захотите говорить.',
  tile: {
    you: '{{name}} (вы)', self: 'Вы', video: 'Видео: {{name}}', micOff: 'Микрофон выключен', camOff: 'Камера выключена',
    screen: 'Показывает экран', sound: 'Включить звук', connecting: 'Подключение…', lost: 'Связь потеряна: переподключение…',
  },
  quality: {
    measuring: 'Связь: измеряется…',
    line: 'Связь: {{level}} · {{rtt}} мс · потери {{loss}} % · {{rate}} кбит/с · {{path}}',
    good: 'хорошая', poor: 'плохая', relay: 'через ретранслятор', direct: 'напрямую', unknown: '?',
  },
  people: {
    title: 'Участники', waiting: 'Ждут допуска', noneWaiting: 'Никто не ждёт.', inRoom: 'В комнате',
    since: 'ждёт с {{time}}', rejected: 'ранее не допущен', removed: 'ранее удалён',
    admit: 'Впустить', admitName: 'Впустить: {{name}}', reject: 'Отклонить', rejectName: 'Отклонить: {{name}}',
    reason: 'Причина (необязательно), её увидит {{name}}', rejectYes: 'Отклонить', keep: 'Пусть ждёт',
    mute: 'Выключить звук', muteName: 'Выключить звук: {{name}}', remove: 'Удалить', removeName: 'Удалить: {{name}}',
    micOn: 'микрофон включён', micOff: 'микрофон выключен', camOn: 'камера включена', camOff: 'камера выключена',
    screen: 'показывает экран', you: 'вы',
    consented: 'согласен(на) на запись', notConsented: 'не дал(а) согласия на запись',
    leads: 'ведёт приём', handOver: 'Передать ведение', handOverName: 'Передать ведение: {{name}}',
    takeBack: 'Вернуть ведение',
  },
  endoscope: {
    title: 'Эндоскоп', who: 'Эти изображения видят только врачи этого приёма — не пациент, не гости и не переводчик.',
    show: 'Показать на приёме: {{name}}', stop: 'Прекратить показ: {{name}}',
    state: {
      off: 'Не показывается', connecting: 'Показывается на приёме: подключение…', live: 'Показывается на приёме: сигнал есть',
      lost: 'Показывается на приёме: сигнал потерян',
    },
  },
  camera: { video: 'Изображение в реальном времени: {{name}}', lost: 'Сигнал потерян — показан последний кадр' },
  role: { moderator: 'Врач', patient: 'Пациент', colleague: 'Коллега', guest: 'Гость', interpreter: 'Переводчик' },
  devices: {
    camera: 'Камера', microphone: 'Микрофон', default: 'По умолчанию', unnamed: 'Устройство {{n}}',
    audioOnly: 'Это аудиоприём: камера остаётся выключенной, пока вы её не включите.',
  },
  problem: {
    camera: 'Не удалось использовать камеру: {{reason}}', microphone: 'Не удалось использовать микрофон: {{reason}}',
    none: 'Не удалось использовать ни камеру, ни микрофон ({{reason}}). Вы всё равно можете войти, видеть и слышать остальных.',
    share: 'Показ экрана не начался: {{reason}}',
  },
};

export default area(en, fa, ru);
