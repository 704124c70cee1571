import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { errorText } from './errors.js';

describe('errorText', () => {
  it('prefers the problem detail, then the title', () => {
    expect(errorText(new ApiError({ kind: 'http', status: 400, title: 'Bad', detail: 'lat must be between -90 and 90' }), 'en')).toBe('lat must be between -90 and 90');
    expect(errorText(new ApiError({ kind: 'http', status: 404, title: 'Not Found' }), 'zh')).toBe('Not Found');
  });

  it('says a network failure in the user language', () => {
    expect(errorText(new ApiError({ kind: 'network' }), 'zh')).toBe('无法连接服务器，请检查网络后重试。');
  });

  it('falls back to the status when the server sent no words', () => {
    expect(errorText(new ApiError({ kind: 'http', status: 502 }), 'en')).toBe('Request failed (502).');
  });
});
