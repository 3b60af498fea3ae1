"""The GitHub sandbox's GraphQL API, beside its REST API on the same server and the same org.

Where: `POST /graphql` when REST is mounted at the root (like `https://api.github.com/graphql`),
`POST /api/graphql` when REST is at `/api/v3` (GitHub Enterprise Server); the URL is
`GitHubServer.graphql_url`. Same token as REST (`Authorization: bearer <token>` or `token
<token>`); 401 with GitHub's GraphQL messages otherwise.

What: the types and fields of `schema.graphql`, a subset of GitHub's published schema kept
exactly as published (regenerate with `python -m sandbox.github.graphql.make_schema
../shared/reference/github/schema.graphql`): `Query.repository / organization / user / viewer
/ node / nodes / rateLimit`, repositories and their `pullRequests` (orderBy CREATED_AT,
UPDATED_AT or COMMENTS, states, baseRefName, headRefName, labels), pull requests with
reviews, review requests (users and teams), labels, assignees, milestone, commits,
conversation comments, review threads and review comments, and `timelineItems` (ready for
review, converted to draft, review requested/removed, reopened, merged, closed, review
dismissed, plus reviews, comments and commits), actors as User / Bot / Organization /
Mannequin. Ids, node ids, times and logins are the ones REST serves.

GitHub's rules (docs.github.com, "Rate limits and node limits for the GraphQL API"):
- `first` or `last` (0..100) on every connection whose `nodes`/`edges` are selected:
  MISSING_PAGINATION_BOUNDARIES / EXCESSIVE_PAGINATION field errors, in GitHub's words;
- at most 500,000 nodes a query (MAX_NODE_LIMIT_EXCEEDED, nothing charged);
- cost = requests needed to fill every connection / 100, rounded, at least 1, charged to a
  points budget of its own (`graphql_points_per_hour`, 5,000 by default; `graphql_window`)
  and reported in `rateLimit { cost limit remaining used resetAt nodeCount }` and the
  `x-ratelimit-*` headers with `x-ratelimit-resource: graphql`; a spent budget answers HTTP
  200 with `errors: [{type: RATE_LIMITED}]` until the reset;
- errors as GitHub sends them: validation errors with `locations`, `path` and `extensions`;
  `data` plus `errors` with `type`, `path`, `locations` (NOT_FOUND for a missing repository).

Faults (`GitHubServer.inject`, matched against operations like "graphql repository acme/api"):
`graphql_partial` (the first nested connection of a pull request fails: `data` plus one
error), `graphql_timeout` (HTTP 200, `data: null`, GitHub's timeout message), `graphql_502`,
`primary_limit` (spends the points budget, RATE_LIMITED), `secondary_limit` and
`secondary_limit_no_retry_after` (as on REST). `graphql.heavy_query_nodes` /
`graphql.timeout_query_nodes` make every query above that many nodes answer 502 / time out.

Mutations for repositories (`GitHubOrg.archive_repos(k)`, `GitHubOrg.add_repos(k, pulls=n)`)
let tests see an org's repositories change between runs (`repositories(isArchived: false)`).

Bots: github.com's GraphQL spells a bot's login without REST's "[bot]" (`dependabot`, REST
`dependabot[bot]`); `GitHubServer(graphql_bot_logins_without_suffix=True)` does the same (off by
default for now, so both APIs name bots alike until the GitHub source maps the spellings).

Counting: each request's points are in its request-log entry (`LoggedRequest.cost`, 0 for
`rateLimit(dryRun: true)`, None when nothing was charged) and in `graphql.charges`.
"""

from sandbox.github.graphql.endpoint import GraphQLEndpoint, operation_label
from sandbox.github.graphql.serving import GRAPHQL_FAULTS, GraphQLServing

__all__ = ["GRAPHQL_FAULTS", "GraphQLEndpoint", "GraphQLServing", "operation_label"]
