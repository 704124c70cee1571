// The operator page's entry (operator.html).
import '../styles.css';
import './operator.css';
import { loadLang, saveLang } from '../i18n/index.js';
import { mountOperator } from './page.js';

mountOperator(document.querySelector('#operator'), { lang: loadLang(), saveLang });
