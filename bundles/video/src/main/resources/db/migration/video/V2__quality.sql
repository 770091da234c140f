-- Call quality per visit and member (issue 18): what each member's browser measured of its connections (the worst of
-- them at each report: round trip, loss; what arrived in all), summed so the visit's summary outlives the call.
CREATE TABLE video_quality (
    encounter_id  VARCHAR(36)  NOT NULL,
    member        VARCHAR(200) NOT NULL,
    samples       INTEGER      NOT NULL,
    rtt_ms_sum    BIGINT       NOT NULL,
    rtt_ms_max    INTEGER      NOT NULL,
    loss_sum      DOUBLE PRECISION NOT NULL,
    loss_max      DOUBLE PRECISION NOT NULL,
    kbps_sum      BIGINT       NOT NULL,
    relayed       BOOLEAN      NOT NULL,
    first_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (encounter_id, member)
);
