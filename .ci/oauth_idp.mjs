// The organization's identity provider for .ci/oauth_check.py: the certified
// `oidc-provider` (npm, pinned in .ci/oauth.sh) on 127.0.0.1, with one confidential
// client (the connector's) and test people. Its development login and consent forms
// are driven by HTTP form posts. Usage: node idp.mjs PORT REDIRECT_URI
// with CCC_IDP_CLIENT_SECRET and IDP_PEOPLE ({"login": {"email": ..., "groups": [...]}}).
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
const people = JSON.parse(process.env.IDP_PEOPLE);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'claude-code-connector',
    client_secret: process.env.CCC_IDP_CLIENT_SECRET,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: id, email: person.email, email_verified: true, groups: person.groups };
      },
    };
  },
  cookies: { keys: ['oauth-check-cookie-key'] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
