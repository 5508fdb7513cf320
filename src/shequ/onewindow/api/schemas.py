"""Request and response shapes of the one-window API (class names unique across the whole API)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from ninja import Field, Path, Schema

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
ItemIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="服务事项编号")]
ApplicationIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="办件编号（内部）")]
CertificateIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="证明编号（内部）")]


class OwMaterialSpecOut(Schema):
    id: int
    code: str
    name: str
    required: bool
    platform_supplied: bool
    commitment_ok: bool
    note: str


class OwItemOut(Schema):
    id: int
    code: str
    name: str
    category: str
    category_label: str
    keywords: str
    time_limit_days: int | None
    channel: str | None
    in_force: bool


class OwItemDetailOut(OwItemOut):
    version: int | None
    effective_from: date | None
    effective_to: date | None
    description: str
    eligibility_text: str
    eligibility: list[dict[str, object]]
    steps: list[str]
    legal_basis: str
    fee: str
    responsible_unit: str
    location: str
    hours: str
    commitment_allowed: bool
    materials: list[OwMaterialSpecOut]


class OwItemPage(Schema):
    count: int
    items: list[OwItemOut]


class OwOnFileOut(Schema):
    id: int
    material_id: int
    material: str
    from_number: str


class OwPrefillOut(Schema):
    found: bool
    name: str
    id_number_masked: str
    phone_masked: str
    age: int | None
    community: str
    eligible: bool | None
    failures: list[str]
    on_file: list[OwOnFileOut]
    supplied_material_ids: list[int]


class OwUploadIn(Schema):
    material_id: Id
    filename: str = Field(..., max_length=120)
    content_base64: str = Field(..., max_length=7_200_000, description="文件内容（Base64），不超过5 MB")


class OwApplicationIn(Schema):
    item_id: Id
    person_id: Id | None = Field(None, description="窗口受理时的申请人（人员编号）")
    uploads: list[OwUploadIn] = Field(default_factory=list, max_length=20)
    reuse_ids: list[Id] = Field(default_factory=list, max_length=20, description="引用已有材料")
    commitment: bool = Field(False, description="签署告知承诺书")
    authorisation_id: Id | None = None
    proxy_service: bool = Field(False, description="全程代办")
    form: dict[str, str] = Field(default_factory=dict)
    idempotency_key: uuid.UUID | None = None


class OwMaterialOut(Schema):
    id: int
    material_id: int
    material: str
    source: str
    source_label: str
    original_name: str
    superseded: bool


class OwEventOut(Schema):
    kind: str
    status: str
    actor: str
    unit: str
    note: str
    at: datetime


class OwNoticeOut(Schema):
    materials: list[str]
    note: str
    issued_at: datetime


class OwApplicationOut(Schema):
    id: int
    number: str
    item_id: int
    item: str
    version: int
    area: str
    applicant_name: str
    channel: str
    status: str
    status_label: str
    owner: str | None
    current_unit: str
    proxy_service: bool
    submitted_at: datetime
    accepted_at: datetime | None
    deadline: datetime | None
    decided_at: datetime | None
    delivered_at: datetime | None
    time_state: str
    rating: int | None
    follow_up: str | None


class OwApplicationDetailOut(OwApplicationOut):
    applicant_id_masked: str
    decision_reason: str
    commitment_check_due: date | None
    materials: list[OwMaterialOut]
    notices: list[OwNoticeOut]
    events: list[OwEventOut]


class OwApplicationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OwApplicationOut]


class OwTrackOut(Schema):
    number: str
    item: str
    status: str
    status_label: str
    submitted_at: datetime
    deadline: datetime | None
    events: list[OwEventOut]


class OwReturnIn(Schema):
    material_ids: list[Id] = Field(..., max_length=30)
    note: str = Field("", max_length=500)


class OwResubmitIn(Schema):
    uploads: list[OwUploadIn] = Field(default_factory=list, max_length=20)
    reuse_ids: list[Id] = Field(default_factory=list, max_length=20)
    note: str = Field("", max_length=500)


class OwHandoverIn(Schema):
    to_user_id: Id
    note: str = Field("", max_length=300)


class OwForwardIn(Schema):
    unit: str = Field(..., max_length=80)
    note: str = Field("", max_length=300)


class OwDecideIn(Schema):
    approved: bool
    reason: str = Field("", max_length=300)


class OwNoteIn(Schema):
    note: str = Field("", max_length=300)


class OwRateIn(Schema):
    level: int = Field(..., ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    comment: str = Field("", max_length=500)


class OwAnswerIn(Schema):
    answer: str = Field(..., max_length=1000)


class OwCommitmentCheckIn(Schema):
    kept: bool
    note: str = Field("", max_length=300)


class OwAuthorisationIn(Schema):
    principal_id: Id
    agent_name: str = Field(..., max_length=50)
    agent_id_number: str = Field(..., max_length=40)
    relation: str = Field(..., max_length=20)
    valid_from: date
    valid_to: date
    scope: str = Field("", max_length=200)


class OwAuthorisationOut(Schema):
    id: int
    principal: str
    agent_name: str
    agent_id_masked: str
    relation: str
    valid_from: date
    valid_to: date


class OwCertificateIn(Schema):
    kind: str = Field(..., max_length=80, description="证明名称或代码")
    purpose: str = Field(..., max_length=120)
    person_id: Id | None = None
    requester: str = Field("", max_length=80, description="要求出具证明的单位")
    idempotency_key: uuid.UUID | None = None


class OwCertificateOut(Schema):
    id: int
    number: str
    kind: str
    community: str
    name_masked: str
    purpose: str
    issued_at: datetime
    verification_code: str


class OwCertificateKindOut(Schema):
    code: str
    name: str
    on_list: bool
    purposes: str
    legal_basis: str
    refusal_reason: str


class OwVerifyOut(Schema):
    valid: bool
    number: str
    kind: str | None = None
    community: str | None = None
    name_masked: str | None = None
    issued_on: str | None = None


class OwReportRowOut(Schema):
    item_id: int
    item: str
    applications: int
    decided: int
    on_time_rate: float | None
    average_days: float | None
    rated: int
    average_rating: float | None
    bad: int


class OwIdCardOut(Schema):
    name: str
    id_number_masked: str
    address_masked: str
    has_photo: bool
    person_id: int | None
    person_name: str | None


class OwCameraOut(Schema):
    content_type: str
    content_base64: str


class OwItemMaterialIn(Schema):
    code: str = Field(..., max_length=40)
    required: bool = True
    commitment_ok: bool = False


class OwItemVersionIn(Schema):
    effective_from: date
    description: str | None = Field(None, max_length=2000)
    eligibility: list[dict[str, object]] | None = Field(None, max_length=20)
    eligibility_text: str | None = Field(None, max_length=300)
    steps: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=20)
    legal_basis: str | None = Field(None, max_length=2000)
    time_limit_days: int | None = Field(None, ge=1, le=365)
    fee_fen: int | None = Field(None, ge=0, le=10_000_000)
    responsible_unit: str | None = Field(None, max_length=80)
    location: str | None = Field(None, max_length=120)
    hours: str | None = Field(None, max_length=120)
    channel: str | None = Field(None, max_length=10)
    commitment_allowed: bool | None = None
    materials: list[OwItemMaterialIn] | None = Field(None, max_length=30)


class OwItemWithdrawIn(Schema):
    last_day: date
