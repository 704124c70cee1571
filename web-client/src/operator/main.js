// The operator page's entry (operator.html).
import '../styles.css';
import './operator.css';
import { loadLang, saveLang, useLang } from '../i18n/index.js';
import { mountOperator } from './page.js';

const lang = loadLang();
await useLang(lang).catch(() => {});
// The English dictionary is loaded before the switch redraws the page.
mountOperator(document.querySelector('#operator'), { lang, saveLang: (next) => { saveLang(next); return useLang(next); } });
