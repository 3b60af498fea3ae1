-- One row per pull request: where its time went, after DevLake's and Middleware's stages
-- (dbt/README.md, "Pull-request stages"). Each stage starts where the previous one ended, a
-- boundary that came early is moved up to the previous one (so no stage is negative), and a
-- stage that has not happened is null:
--   coding   first commit authored -> ready for review
--   pickup   ready for review -> first review or review comment by a person (not the author,
--            not a bot) before the merge; review activity on a draft counts at ready
--   review   that first response -> the last approval before the merge (the merge when none)
--   merge    the last approval -> the merge
with

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

timeline as (

    select * from {{ ref('stg_github__pr_timeline_events') }}

),

activity as (

    select * from {{ ref('int_github__pr_activity') }}

),

draft_events as (

    select
        repo_full_name,
        pull_request_number,
        event_type,
        created_at,
        row_number() over (
            partition by repo_full_name, pull_request_number
            order by created_at, timeline_event_id
        ) as draft_event_position
    from timeline
    where event_type in ('ready_for_review', 'convert_to_draft')

),

draft_summary as (

    select
        repo_full_name,
        pull_request_number,
        max(case when draft_event_position = 1 then event_type end) as first_draft_event_type,
        min(case when event_type = 'ready_for_review' then created_at end)
            as first_ready_event_at
    from draft_events
    group by repo_full_name, pull_request_number

),

-- what people (not the author, not bots) did before the merge
responses as (

    select
        pull_request_id,
        min(case when activity_type in ('review', 'review_comment') then occurred_at end)
            as first_response_at,
        max(case when activity_type = 'review' and review_state = 'APPROVED' then occurred_at end)
            as last_approved_at
    from activity
    where not is_bot and not is_by_author and not is_after_merge
    group by pull_request_id

),

opened as (

    select
        pull_requests.pull_request_id,
        pull_requests.created_at,
        pull_requests.merged_at,
        pull_requests.first_commit_at,
        -- opened as a draft: its first draft event made it ready, or it is a draft that never
        -- changed
        coalesce(
            draft_summary.first_draft_event_type = 'ready_for_review',
            pull_requests.is_draft and draft_summary.first_draft_event_type is null,
            false
        ) as is_opened_as_draft,
        draft_summary.first_ready_event_at,
        responses.first_response_at,
        case when pull_requests.merged_at is not null then responses.last_approved_at end
            as last_approved_at
    from pull_requests
    left join draft_summary
        on pull_requests.repo_full_name = draft_summary.repo_full_name
        and pull_requests.pull_request_number = draft_summary.pull_request_number
    left join responses
        on pull_requests.pull_request_id = responses.pull_request_id

),

ready as (

    select
        *,
        case
            when is_opened_as_draft then first_ready_event_at
            else created_at
        end as ready_for_review_at
    from opened

),

review_started as (

    select
        *,
        {{ stage_start('ready_for_review_at', 'first_response_at') }} as review_started_at
    from ready

),

merge_started as (

    select
        *,
        {{ stage_start('review_started_at', 'last_approved_at') }} as merge_started_at
    from review_started

),

final as (

    select
        pull_request_id,
        is_opened_as_draft,
        ready_for_review_at,
        first_response_at,
        last_approved_at,
        {{ stage_hours('first_commit_at', 'ready_for_review_at') }} as coding_hours,
        {{ stage_hours('ready_for_review_at', 'review_started_at') }} as pickup_hours,
        case
            when merged_at is not null then
                {{ stage_hours('review_started_at', 'coalesce(merge_started_at, merged_at)') }}
        end as review_hours,
        {{ stage_hours('merge_started_at', 'merged_at') }} as merge_hours,
        -- first commit (ready for review when unknown, never after it) -> merge
        {{ stage_hours(
            'case when first_commit_at < ready_for_review_at then first_commit_at'
            ~ ' else ready_for_review_at end',
            'merged_at'
        ) }} as cycle_hours
    from merge_started

)

select * from final
