import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
import { initI18n, initialLang } from './i18n';
import { setPrefsLang } from './prefs';
import './styles.css';

const lang = initialLang();
initI18n(lang);
setPrefsLang(lang);
createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
