// meibo's own 404 for a browser that asks for an unknown path (Yoga's `landingPage`): Yoga's
// default page answers 200, shows its version and loads an icon from another host.
import type { LandingPageRenderer } from 'graphql-yoga';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const notFoundPage: LandingPageRenderer = ({ url, fetchAPI }) =>
  new fetchAPI.Response(
    `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>meibo: not found</title></head>
<body style="font-family: 'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic', sans-serif; margin: 2rem">
<h1>meibo 名簿</h1>
<p>ページが見つかりません。 Nothing here: <code>${escapeHtml(url.pathname.slice(0, 80))}</code></p>
<p><a href="/">名簿 the directory</a> · <a href="/graphql">GraphiQL</a> · <a href="/export/seats.csv">seats.csv</a> · <a href="/export/popolo.json">popolo.json</a></p>
</body></html>
`,
    {
      status: 404,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      },
    },
  );
