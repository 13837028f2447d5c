--
-- PostgreSQL database dump
--

\restrict 8j588ASn96ExBsoTgh86zbMWbOXVSvxHHekRQhSxHgB9ILBihHU32HxZjV8aAPu

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: apalis; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA apalis;


--
-- Name: hstore; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA public;


--
-- Name: EXTENSION hstore; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION hstore IS 'data type for storing sets of (key, value) pairs';


--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;


--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


--
-- Name: generate_ulid(); Type: FUNCTION; Schema: apalis; Owner: -
--

CREATE FUNCTION apalis.generate_ulid() RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
  -- Crockford's Base32
  encoding   BYTEA = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  timestamp  BYTEA = E'\\000\\000\\000\\000\\000\\000';
  output     TEXT = '';

  unix_time  BIGINT;
  ulid       BYTEA;
  rand       BYTEA;
BEGIN
  -- 6 timestamp bytes
  unix_time = (EXTRACT(EPOCH FROM CLOCK_TIMESTAMP()) * 1000)::BIGINT;
  timestamp = SET_BYTE(timestamp, 0, (unix_time >> 40)::BIT(8)::INTEGER);
  timestamp = SET_BYTE(timestamp, 1, (unix_time >> 32)::BIT(8)::INTEGER);
  timestamp = SET_BYTE(timestamp, 2, (unix_time >> 24)::BIT(8)::INTEGER);
  timestamp = SET_BYTE(timestamp, 3, (unix_time >> 16)::BIT(8)::INTEGER);
  timestamp = SET_BYTE(timestamp, 4, (unix_time >> 8)::BIT(8)::INTEGER);
  timestamp = SET_BYTE(timestamp, 5, unix_time::BIT(8)::INTEGER);

  -- 10 entropy bytes, taken from a core gen_random_uuid(). Bytes 1-6 and 11-14
  -- of the UUID are fully random (we skip the version/variant bytes at offsets
  -- 7 and 9), preserving the full 80 bits of ULID entropy.
  rand = uuid_send(gen_random_uuid());
  ulid = timestamp || substr(rand, 1, 6) || substr(rand, 11, 4);

  -- Encode the timestamp
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 0) & 224) >> 5));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 0) & 31)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 1) & 248) >> 3));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 1) & 7) << 2) | ((GET_BYTE(ulid, 2) & 192) >> 6)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 2) & 62) >> 1));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 2) & 1) << 4) | ((GET_BYTE(ulid, 3) & 240) >> 4)));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 3) & 15) << 1) | ((GET_BYTE(ulid, 4) & 128) >> 7)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 4) & 124) >> 2));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 4) & 3) << 3) | ((GET_BYTE(ulid, 5) & 224) >> 5)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 5) & 31)));

  -- Encode the entropy
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 6) & 248) >> 3));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 6) & 7) << 2) | ((GET_BYTE(ulid, 7) & 192) >> 6)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 7) & 62) >> 1));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 7) & 1) << 4) | ((GET_BYTE(ulid, 8) & 240) >> 4)));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 8) & 15) << 1) | ((GET_BYTE(ulid, 9) & 128) >> 7)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 9) & 124) >> 2));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 9) & 3) << 3) | ((GET_BYTE(ulid, 10) & 224) >> 5)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 10) & 31)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 11) & 248) >> 3));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 11) & 7) << 2) | ((GET_BYTE(ulid, 12) & 192) >> 6)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 12) & 62) >> 1));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 12) & 1) << 4) | ((GET_BYTE(ulid, 13) & 240) >> 4)));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 13) & 15) << 1) | ((GET_BYTE(ulid, 14) & 128) >> 7)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 14) & 124) >> 2));
  output = output || CHR(GET_BYTE(encoding, ((GET_BYTE(ulid, 14) & 3) << 3) | ((GET_BYTE(ulid, 15) & 224) >> 5)));
  output = output || CHR(GET_BYTE(encoding, (GET_BYTE(ulid, 15) & 31)));

  RETURN output;
END
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: jobs; Type: TABLE; Schema: apalis; Owner: -
--

CREATE TABLE apalis.jobs (
    job bytea NOT NULL,
    id text NOT NULL,
    job_type text NOT NULL,
    status text DEFAULT 'Pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 25 NOT NULL,
    run_at timestamp with time zone DEFAULT now() NOT NULL,
    last_result jsonb,
    lock_at timestamp with time zone,
    lock_by text,
    done_at timestamp with time zone,
    priority integer DEFAULT 0,
    idempotency_key text,
    metadata public.hstore
);


--
-- Name: get_jobs(text, text, integer); Type: FUNCTION; Schema: apalis; Owner: -
--

CREATE FUNCTION apalis.get_jobs(worker_id text, v_job_type text, v_job_count integer DEFAULT 5) RETURNS SETOF apalis.jobs
    LANGUAGE sql
    AS $$
    WITH jobs AS (
        SELECT id
        FROM apalis.jobs
        WHERE
            (
                status = 'Pending'
                OR (
                    status = 'Failed'
                    AND attempts < max_attempts
                )
            )
            AND run_at < now()
            AND job_type = v_job_type
        ORDER BY priority DESC, run_at ASC
        LIMIT v_job_count
        FOR UPDATE SKIP LOCKED
    )
    UPDATE apalis.jobs j
    SET
        status = 'Queued',
        lock_by = worker_id,
        lock_at = now()
    FROM jobs
    WHERE j.id = jobs.id
    RETURNING j.*;
$$;


--
-- Name: notify_new_jobs(); Type: FUNCTION; Schema: apalis; Owner: -
--

CREATE FUNCTION apalis.notify_new_jobs() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.run_at <= now() THEN
        PERFORM pg_notify(
            'apalis::job::insert',
            json_build_object(
                'job_type', NEW.job_type,
                'id', NEW.id,
                'run_at', NEW.run_at
            )::text
        );
    END IF;
    RETURN NEW;
END;
$$;


--
-- Name: push_job(text, json, text, timestamp with time zone, integer, integer); Type: FUNCTION; Schema: apalis; Owner: -
--

CREATE FUNCTION apalis.push_job(job_type text, job json DEFAULT NULL::json, status text DEFAULT 'Pending'::text, run_at timestamp with time zone DEFAULT now(), max_attempts integer DEFAULT 25, priority integer DEFAULT 0) RETURNS apalis.jobs
    LANGUAGE plpgsql
    AS $$

        DECLARE
            v_job_row apalis.jobs;
            v_job_id text;

        BEGIN
        IF job_type is not NULL and length(job_type) > 512 THEN raise exception 'Job_type is too long (max length: 512).' USING errcode = 'APAJT';
        END IF;

        IF max_attempts < 1 THEN raise exception 'Job maximum attempts must be at least 1.' USING errcode = 'APAMA';
        end IF;

        SELECT
            apalis.generate_ulid() INTO v_job_id;
        INSERT INTO
            apalis.jobs
        VALUES
            (
                job,
                v_job_id,
                job_type,
                status,
                0,
                max_attempts,
                run_at,
                NULL,
                NULL,
                NULL,
                NULL,
                priority
            )
            returning * INTO v_job_row;
            RETURN v_job_row;
END;
$$;


--
-- Name: _sqlx_migrations; Type: TABLE; Schema: apalis; Owner: -
--

CREATE TABLE apalis._sqlx_migrations (
    version bigint NOT NULL,
    description text NOT NULL,
    installed_on timestamp with time zone DEFAULT now() NOT NULL,
    success boolean NOT NULL,
    checksum bytea NOT NULL,
    execution_time bigint NOT NULL
);


--
-- Name: workers; Type: TABLE; Schema: apalis; Owner: -
--

CREATE TABLE apalis.workers (
    id text NOT NULL,
    worker_type text NOT NULL,
    storage_name text NOT NULL,
    layers text DEFAULT ''::text NOT NULL,
    last_seen timestamp with time zone DEFAULT now() NOT NULL,
    started_at timestamp with time zone
);


--
-- Name: article_tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.article_tags (
    article_id bigint NOT NULL,
    tag_id bigint NOT NULL,
    "position" integer NOT NULL
);


--
-- Name: articles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.articles (
    id bigint NOT NULL,
    author_id bigint NOT NULL,
    slug text NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    body text NOT NULL,
    favorites_count bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: articles_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.articles ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.articles_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: comments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.comments (
    id bigint NOT NULL,
    article_id bigint NOT NULL,
    author_id bigint NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: comments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.comments ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.comments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: favorites; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.favorites (
    user_id bigint NOT NULL,
    article_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: follows; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.follows (
    follower_id bigint NOT NULL,
    followee_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: report_lines; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.report_lines (
    report_id bigint NOT NULL,
    seq bigint NOT NULL,
    line text NOT NULL
);


--
-- Name: reports; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reports (
    id bigint NOT NULL,
    owner_id bigint NOT NULL,
    kind text NOT NULL,
    scope text NOT NULL,
    range_from date NOT NULL,
    range_to date NOT NULL,
    status text NOT NULL,
    progress integer DEFAULT 0 NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    error text,
    summary text,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    job_token bigint
);


--
-- Name: reports_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.reports ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.reports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: seaql_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.seaql_migrations (
    version character varying NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    id bigint NOT NULL,
    name text NOT NULL
);


--
-- Name: tags_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tags ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.tags_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    username text NOT NULL,
    email text NOT NULL,
    password_hash text NOT NULL,
    bio text,
    image text,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    is_admin boolean DEFAULT false NOT NULL,
    welcomed_at timestamp with time zone
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.users ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Data for Name: _sqlx_migrations; Type: TABLE DATA; Schema: apalis; Owner: -
--

COPY apalis._sqlx_migrations (version, description, installed_on, success, checksum, execution_time) FROM stdin;
20220530084123	jobs workers	2026-12-02 06:50:24.693257+00	t	\\xd0839c6f57a379769dc27ccd581feb3d2709239c8f138e05271c9e3c760c4517a78a4d8912ab3d63b074b28d15ec74e9	17739349
20220709210445	add job fn	2026-12-02 06:50:24.712455+00	t	\\x14f906e53a627f1b27996e74e8e69dbc29ee70519e7af4f0032a27c75ed706a34af8bafecc8f8572855f314cbc5a7ba9	2194345
20230330210841	replace add job fn	2026-12-02 06:50:24.71455+00	t	\\xd9b6e57e6de60db1647e2447cf36bf0eafbec266f1d482bd196affc97617efbc4c07bad826706c7b3a0b3960cf9f727b	9738334
20230408110421	drop old push job	2026-12-02 06:50:24.724724+00	t	\\x3656a91fe9c652ca23df775a601409a9252357f47088d6bcf2025fda2dd67e50c99ad94d1d2ca569c91c343189c58e33	1290881
20230408234928	add get jobs fn 	2026-12-02 06:50:24.726434+00	t	\\x176c3acaf1097ff45da76d4c746af766640027b6721a056b3fc3fcc4ab8192344920b4415e8dae46f5136ee223ed5f6b	1332859
20240225141841	replace add job fn remove jid	2026-12-02 06:50:24.72813+00	t	\\xc53560b7a312915d696ed6c7e18bda478d9bf1278c4d59e3c53b47c45d8a903f089c728a5ff2e131cd5b629cdfe7d4cb	6410052
20250210092135	include failed in get jobs	2026-12-02 06:50:24.735004+00	t	\\x810786bd8f1007bf523bec8ed9de0a9ae789e634e5434a1a5cc9c1b766bd758b4d37912ef390dcf95e8de23910eeef55	1263610
20250223193249	fix get jobs conditional	2026-12-02 06:50:24.736567+00	t	\\xcfda3f3d62b4122b6321af0e45ba162fd3ad5d07f95e4eefe858600551167e31454ebd57d45b62e880336fcfef3ef2a7	1215058
20250307001101	add job priority	2026-12-02 06:50:24.738059+00	t	\\xb5d318f2da5e909d66db190f58b76ae52f6808733d2a88d180555430d28518fee783fb0ff1e1c37ed1dc79627abd9694	1863645
20250404160441	cleanup old push jobs fn	2026-12-02 06:50:24.740205+00	t	\\x962242ef0971de54905cafbdefe26a3c1f32c1c52ef13b6937c2920445b1ce97cd2dcf7db9c293becc95dc55412e7a15	898695
20250722071207	improve notify	2026-12-02 06:50:24.741388+00	t	\\xb3a1f712f8fbdfe38004134d8f55e49857b764f3277f38dd9d13299d5e0afbc895005b62fa0355b8a0d8595a38be6db7	1660925
20251018164839	update result	2026-12-02 06:50:24.743329+00	t	\\xe4e3d1efc77746e4db164b49017c90785613b35520da84f9a5a3f8981d60420d9dec3c94af9e8632ab711ffac7c1e199	5314788
20251018164912	add metadata	2026-12-02 06:50:24.74907+00	t	\\x803a4510201392a36e20ef81c9b05230ffa734a292c875f87ea65bc73944642b1d260a38741c4bdb88c0096338c152c0	1016747
20251018165007	move to bytes	2026-12-02 06:50:24.75036+00	t	\\xdcbb8181c56cc4b9511ddc940f81f5bb9420436d0f4edf1bc9978011324e6b8d5437c50830b8651e2168608d04977272	9077284
20251018165033	add started at	2026-12-02 06:50:24.75982+00	t	\\x21b1264f3881a4cf4fb209ff2cc75c21946441691745d7cbc9ab1dd812a1e1c08648e47ea8b4de060784da581dab2246	940063
20251018165056	queue jobs	2026-12-02 06:50:24.761026+00	t	\\xdd02b7e9c23a7da0f71bff73b469c51b7305d1830e7f4bd6de083c11315e8492801e242755d9981381760a5ace6d8fe7	1490316
20251018165121	notify run at	2026-12-02 06:50:24.762772+00	t	\\xa99e6c60687ec15c1bf8132763db63a0d9d18e1ee814527254fc95ee733e65bdf2f0ae64ca86cae0d1f232654d189fda	3564746
20251225090252	include primary keys	2026-12-02 06:50:24.766746+00	t	\\xfd9f16bd772c5682ecb3f6b0a21efed5581a85316770ab8d620b38346e9319ae239ef784e8eb46735d6be735e7b3b5be	2426350
20260508093314	idempotency key	2026-12-02 06:50:24.769489+00	t	\\xf2686534e1abbba2fcde715c1ca724e7937a4e1f49d6a9a462ed4f1c2e8b83518f4f78868a111d6451afba770207c2d0	1736487
20260605000000	confine generate ulid to apalis	2026-12-02 06:50:24.771551+00	t	\\xc56dbd61156387934579af19b51ba95bd0cbe203f9528f0cd619c191730788858eca89044a7aa0622d308b9a3028e2c5	3673289
20260824233636	streamline indices	2026-12-02 06:50:24.775533+00	t	\\x09c57f5bd9cce210564e8b12da0520289290ad729ef4205cdd55bd2a60ac85f889df8c23b20a4a01d959f0c8b5775a6d	9095879
20260826101335	metadata hstore	2026-12-02 06:50:24.785037+00	t	\\xcc38c9e6fd38157b443f6dd584e322405d49dedfd3a60867604102078a99320f97279e6c244cb87f84152ab9be7d41be	22561253
20260902075949	remove pl in get jobs	2026-12-02 06:50:24.808179+00	t	\\x0dc0483d69bf530508d451bec9346f7d14be68c37308b130910462d130cab0827eb2825d20072105c83ae3a66ed82c6b	1912207
\.


--
-- Data for Name: jobs; Type: TABLE DATA; Schema: apalis; Owner: -
--

COPY apalis.jobs (job, id, job_type, status, attempts, max_attempts, run_at, last_result, lock_at, lock_by, done_at, priority, idempotency_key, metadata) FROM stdin;
\\x7b22757365725f6964223a317d	01M8TR9K2ABQ3GJ2VGDK6DKAZ1	welcome	Done	1	25	2026-12-02 06:50:25+00	{"Ok": null}	2026-12-02 06:50:25.453614+00	welcome-worker-vm-18625-965cdfce	2026-12-02 06:50:25.487964+00	0	\N	
\\x7b22757365725f6964223a327d	01M8TR9KAVMP56YM10JTR9HCAE	welcome	Done	1	25	2026-12-02 06:50:25+00	{"Ok": null}	2026-12-02 06:50:25.958088+00	welcome-worker-vm-18625-965cdfce	2026-12-02 06:50:25.964308+00	0	\N	
\.


--
-- Data for Name: workers; Type: TABLE DATA; Schema: apalis; Owner: -
--

COPY apalis.workers (id, worker_type, storage_name, layers, last_seen, started_at) FROM stdin;
welcome-worker-vm-18625-965cdfce	welcome	PgStorage	tower::limit::concurrency::service::ConcurrencyLimit<apalis_core::task::data::AddExtension<apalis_core::worker::lifecycle::LifecycleService<apalis_core::task::task_fn::TaskFn<worker::welcome::handle_welcome, application::ports::welcome::WelcomeJob, apalis_core::task::data::Data<worker::welcome::WelcomeContext>>>, worker::welcome::WelcomeContext>>	2026-12-02 06:50:24+00	\N
report-worker-vm-18625-eb6b9b66	reports	PgStorage	tower::limit::concurrency::service::ConcurrencyLimit<apalis_core::task::data::AddExtension<apalis_core::worker::lifecycle::LifecycleService<apalis_core::task::task_fn::TaskFn<worker::handler::handle_report, application::ports::reports::ReportJob, apalis_core::task::data::Data<worker::handler::JobContext>>>, worker::handler::JobContext>>	2026-12-02 06:50:24+00	\N
\.


--
-- Data for Name: article_tags; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.article_tags (article_id, tag_id, "position") FROM stdin;
1	1	0
1	2	1
\.


--
-- Data for Name: articles; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.articles (id, author_id, slug, title, description, body, favorites_count, created_at, updated_at) FROM stdin;
1	1	written-before-the-upgrade	Written before the upgrade	An article the old binary stored	It must survive every later migration.	1	2026-12-02 06:50:26.389+00	2026-12-02 06:50:26.389+00
\.


--
-- Data for Name: comments; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.comments (id, article_id, author_id, body, created_at, updated_at) FROM stdin;
1	1	2	A comment the old binary stored	2026-12-02 06:50:26.521+00	2026-12-02 06:50:26.521+00
\.


--
-- Data for Name: favorites; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.favorites (user_id, article_id, created_at) FROM stdin;
2	1	2026-12-02 06:50:26.542141+00
\.


--
-- Data for Name: follows; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.follows (follower_id, followee_id, created_at) FROM stdin;
2	1	2026-12-02 06:50:26.574635+00
\.


--
-- Data for Name: report_lines; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.report_lines (report_id, seq, line) FROM stdin;
\.


--
-- Data for Name: reports; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.reports (id, owner_id, kind, scope, range_from, range_to, status, progress, attempts, error, summary, created_at, updated_at, started_at, finished_at, job_token) FROM stdin;
\.


--
-- Data for Name: seaql_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.seaql_migrations (version, applied_at) FROM stdin;
m20261122_000001_create_schema	1796194224
m20261122_000002_add_user_admin	1796194224
m20261122_000003_create_reports	1796194224
m20261122_000004_add_report_job_token	1796194224
m20261122_000005_add_user_welcomed_at	1796194224
\.


--
-- Data for Name: tags; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tags (id, name) FROM stdin;
1	upgrade
2	fixture
\.


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.users (id, username, email, password_hash, bio, image, created_at, updated_at, is_admin, welcomed_at) FROM stdin;
1	fixture-author	fixture-author@example.com	$argon2id$v=19$m=19456,t=2,p=1$X1I7wAQsOCkUirlaKZ9x9g$Oj0cEdqoKrhAtU4q80mnTJs+dZuyrcSl5fBO8Bp550c	\N	\N	2026-12-02 06:50:25.215435+00	2026-12-02 06:50:25.215435+00	f	2026-12-02 06:50:25.478+00
2	fixture-reader	fixture-reader@example.com	$argon2id$v=19$m=19456,t=2,p=1$vg8bk7cv8uMP8gfMaZhZ4A$MzhjjfwNmLpazLh65vkFS+tTHwG1JfyeyKb5FXNlL1c	\N	\N	2026-12-02 06:50:25.490815+00	2026-12-02 06:50:25.490815+00	f	2026-12-02 06:50:25.953+00
\.


--
-- Name: articles_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.articles_id_seq', 1, true);


--
-- Name: comments_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.comments_id_seq', 1, true);


--
-- Name: reports_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.reports_id_seq', 1, false);


--
-- Name: tags_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tags_id_seq', 2, true);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 2, true);


--
-- Name: _sqlx_migrations _sqlx_migrations_pkey; Type: CONSTRAINT; Schema: apalis; Owner: -
--

ALTER TABLE ONLY apalis._sqlx_migrations
    ADD CONSTRAINT _sqlx_migrations_pkey PRIMARY KEY (version);


--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: apalis; Owner: -
--

ALTER TABLE ONLY apalis.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);


--
-- Name: workers workers_pkey; Type: CONSTRAINT; Schema: apalis; Owner: -
--

ALTER TABLE ONLY apalis.workers
    ADD CONSTRAINT workers_pkey PRIMARY KEY (id);


--
-- Name: article_tags article_tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.article_tags
    ADD CONSTRAINT article_tags_pkey PRIMARY KEY (article_id, tag_id);


--
-- Name: articles articles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.articles
    ADD CONSTRAINT articles_pkey PRIMARY KEY (id);


--
-- Name: comments comments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.comments
    ADD CONSTRAINT comments_pkey PRIMARY KEY (id);


--
-- Name: favorites favorites_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.favorites
    ADD CONSTRAINT favorites_pkey PRIMARY KEY (user_id, article_id);


--
-- Name: follows follows_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follows
    ADD CONSTRAINT follows_pkey PRIMARY KEY (follower_id, followee_id);


--
-- Name: report_lines report_lines_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_lines
    ADD CONSTRAINT report_lines_pkey PRIMARY KEY (report_id, seq);


--
-- Name: reports reports_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reports
    ADD CONSTRAINT reports_pkey PRIMARY KEY (id);


--
-- Name: seaql_migrations seaql_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.seaql_migrations
    ADD CONSTRAINT seaql_migrations_pkey PRIMARY KEY (version);


--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (id);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: idx_apalis_jobs_fetch_partial; Type: INDEX; Schema: apalis; Owner: -
--

CREATE INDEX idx_apalis_jobs_fetch_partial ON apalis.jobs USING btree (job_type, priority DESC, run_at) WHERE ((status = 'Pending'::text) OR ((status = 'Failed'::text) AND (attempts < max_attempts)));


--
-- Name: idx_apalis_jobs_lock_by; Type: INDEX; Schema: apalis; Owner: -
--

CREATE INDEX idx_apalis_jobs_lock_by ON apalis.jobs USING btree (lock_by);


--
-- Name: idx_apalis_workers_last_seen; Type: INDEX; Schema: apalis; Owner: -
--

CREATE INDEX idx_apalis_workers_last_seen ON apalis.workers USING btree (last_seen);


--
-- Name: idx_apalis_workers_worker_type; Type: INDEX; Schema: apalis; Owner: -
--

CREATE INDEX idx_apalis_workers_worker_type ON apalis.workers USING btree (worker_type);


--
-- Name: idx_jobs_idempotency_key; Type: INDEX; Schema: apalis; Owner: -
--

CREATE UNIQUE INDEX idx_jobs_idempotency_key ON apalis.jobs USING btree (job_type, idempotency_key);


--
-- Name: lidx; Type: INDEX; Schema: apalis; Owner: -
--

CREATE INDEX lidx ON apalis.jobs USING btree (lock_by);


--
-- Name: lsidx; Type: INDEX; Schema: apalis; Owner: -
--

CREATE INDEX lsidx ON apalis.workers USING btree (last_seen);


--
-- Name: unique_job_id; Type: INDEX; Schema: apalis; Owner: -
--

CREATE UNIQUE INDEX unique_job_id ON apalis.jobs USING btree (id);


--
-- Name: unique_worker_id; Type: INDEX; Schema: apalis; Owner: -
--

CREATE UNIQUE INDEX unique_worker_id ON apalis.workers USING btree (id);


--
-- Name: wtidx; Type: INDEX; Schema: apalis; Owner: -
--

CREATE INDEX wtidx ON apalis.workers USING btree (worker_type);


--
-- Name: idx_users_welcomed_at_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_users_welcomed_at_created_at ON public.users USING btree (welcomed_at, created_at);


--
-- Name: ix_article_tags_tag; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_article_tags_tag ON public.article_tags USING btree (tag_id, article_id);


--
-- Name: ix_articles_author_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_articles_author_created ON public.articles USING btree (author_id, created_at, id);


--
-- Name: ix_articles_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_articles_created ON public.articles USING btree (created_at, id);


--
-- Name: ix_comments_article; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_comments_article ON public.comments USING btree (article_id, id);


--
-- Name: ix_comments_author; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_comments_author ON public.comments USING btree (author_id);


--
-- Name: ix_favorites_article; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_favorites_article ON public.favorites USING btree (article_id);


--
-- Name: ix_follows_followee; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_follows_followee ON public.follows USING btree (followee_id);


--
-- Name: ix_reports_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_reports_created ON public.reports USING btree (created_at);


--
-- Name: ix_reports_owner_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_reports_owner_created ON public.reports USING btree (owner_id, created_at, id);


--
-- Name: ux_articles_slug; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_articles_slug ON public.articles USING btree (slug);


--
-- Name: ux_tags_name; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_tags_name ON public.tags USING btree (name);


--
-- Name: ux_users_email; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_users_email ON public.users USING btree (email);


--
-- Name: ux_users_username; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_users_username ON public.users USING btree (username);


--
-- Name: jobs notify_workers; Type: TRIGGER; Schema: apalis; Owner: -
--

CREATE TRIGGER notify_workers AFTER INSERT ON apalis.jobs FOR EACH ROW EXECUTE FUNCTION apalis.notify_new_jobs();


--
-- Name: jobs fk_worker_lock_by; Type: FK CONSTRAINT; Schema: apalis; Owner: -
--

ALTER TABLE ONLY apalis.jobs
    ADD CONSTRAINT fk_worker_lock_by FOREIGN KEY (lock_by) REFERENCES apalis.workers(id);


--
-- Name: article_tags article_tags_article_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.article_tags
    ADD CONSTRAINT article_tags_article_id_fkey FOREIGN KEY (article_id) REFERENCES public.articles(id) ON DELETE CASCADE;


--
-- Name: article_tags article_tags_tag_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.article_tags
    ADD CONSTRAINT article_tags_tag_id_fkey FOREIGN KEY (tag_id) REFERENCES public.tags(id) ON DELETE CASCADE;


--
-- Name: articles articles_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.articles
    ADD CONSTRAINT articles_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: comments comments_article_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.comments
    ADD CONSTRAINT comments_article_id_fkey FOREIGN KEY (article_id) REFERENCES public.articles(id) ON DELETE CASCADE;


--
-- Name: comments comments_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.comments
    ADD CONSTRAINT comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: favorites favorites_article_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.favorites
    ADD CONSTRAINT favorites_article_id_fkey FOREIGN KEY (article_id) REFERENCES public.articles(id) ON DELETE CASCADE;


--
-- Name: favorites favorites_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.favorites
    ADD CONSTRAINT favorites_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: follows follows_followee_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follows
    ADD CONSTRAINT follows_followee_id_fkey FOREIGN KEY (followee_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: follows follows_follower_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.follows
    ADD CONSTRAINT follows_follower_id_fkey FOREIGN KEY (follower_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- Name: report_lines report_lines_report_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_lines
    ADD CONSTRAINT report_lines_report_id_fkey FOREIGN KEY (report_id) REFERENCES public.reports(id) ON DELETE CASCADE;


--
-- Name: reports reports_owner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reports
    ADD CONSTRAINT reports_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.users(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict 8j588ASn96ExBsoTgh86zbMWbOXVSvxHHekRQhSxHgB9ILBihHU32HxZjV8aAPu

