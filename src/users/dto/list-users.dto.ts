import { PageQueryDto } from '../../common/http/page-query.dto';

export class ListUsersDto extends PageQueryDto {}
