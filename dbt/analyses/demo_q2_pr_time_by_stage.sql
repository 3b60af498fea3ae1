-- Where does PR time go, per repository? (median hours of each stage, merged PRs)
select
    repo_full_name as repository,
    count(*) as merged_prs,
    round(median(coding_hours), 1) as coding,
    round(median(pickup_hours), 1) as pickup,
    round(median(review_hours), 1) as review,
    round(median(merge_hours), 1) as merge,
    round(median(deploy_hours), 1) as deploy,
    round(median(lines_changed), 0) as median_lines
from {{ ref('fct_pull_requests') }}
where is_merged
group by repo_full_name
order by repo_full_name
