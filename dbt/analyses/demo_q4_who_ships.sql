-- Who ships? The people with the most merged pull requests linked to completed issues
select
    u.name as person,
    u.github_login,
    count(distinct pr.pull_request_id) as merged_prs,
    count(distinct i.issue_id) as completed_issues
from {{ ref('bridge_issue_pull_requests') }} as b
inner join {{ ref('fct_pull_requests') }} as pr on pr.pull_request_id = b.pull_request_id
inner join {{ ref('fct_issues') }} as i on i.issue_id = b.issue_id
inner join {{ ref('dim_users') }} as u on u.user_key = pr.author_user_key
where pr.is_merged and i.is_completed
group by u.name, u.github_login
order by merged_prs desc, person
limit 5
